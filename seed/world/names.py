"""Names and small vocabularies for the synthetic world (made up, not real people)."""
from __future__ import annotations

import numpy as np

SURNAMES = tuple("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许沈彭吕苏卢蒋蔡贾丁魏薛叶"
                 "余潘杜戴夏钟汪田任姜范方石姚谭邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙段雷钱汤尹易常武乔贺")
GIVEN_M = tuple("伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国志文利东海永春亮成")
GIVEN_F = tuple("芳娜敏静丽艳娟霞秀英玲桂兰萍红梅琳燕雪慧颖洁佳倩婷宁晶欣月春凤玉珍莉荣")
MONGOLIAN_M = ("巴特尔", "苏和", "额尔敦", "那日苏", "朝鲁", "宝音", "巴图", "孟和", "阿拉坦", "敖日格乐",
               "达来", "吉日嘎拉", "布和", "乌力吉", "特木尔", "哈斯", "毕力格", "图门")
MONGOLIAN_F = ("其其格", "乌日娜", "萨仁", "娜仁", "高娃", "托娅", "斯琴", "乌兰", "塔娜", "格日勒",
               "阿茹娜", "琪琪格", "图雅", "萨日娜", "苏布道", "额尔登其木格")
TOWNSHIP_SUFFIXES = ("城关", "新地", "红旗", "联合", "团结", "胜利", "东风", "永兴", "巴彦", "大营", "十八台", "白音")
VILLAGES = ("前进", "和平", "新民", "三道沟", "大营子", "西井子", "南沟", "后营", "东湾", "榆树沟", "黑土坡",
            "五家户", "乌兰哈达", "哈拉沟", "古力半", "北沙梁")
PHONE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                  "153", "155", "156", "157", "158", "159", "166", "173", "176", "177", "180", "181",
                  "182", "183", "185", "186", "187", "188", "189", "191", "195", "198", "199")
COMPANY_PREFIXES = ("京蒙", "华安", "恒信", "鑫源", "瑞丰", "中诚", "安泰", "宏达", "德润", "金桥", "万顺",
                    "嘉禾", "永盛", "博远", "汇通", "长青", "天成", "福源", "祥和", "盛世", "北方", "蓝天")
INDUSTRY_SUFFIX = {
    "security": ("保安服务", "安保服务"), "domestic_service": ("家政服务", "家庭服务"),
    "care": ("养老服务", "护理服务"), "cleaning": ("物业保洁", "环境服务"), "catering": ("餐饮管理", "餐饮"),
    "hospitality": ("酒店管理", "旅游服务"), "logistics": ("物流", "供应链管理", "速递"),
    "transport": ("运输", "货运"), "energy": ("电力工程", "输变电工程"),
    "construction": ("建筑工程", "建设工程", "建筑劳务"), "manufacturing": ("制造", "机械制造", "服装"),
    "property": ("物业管理", "物业服务"), "retail": ("商贸", "超市"), "personal_service": ("美容美发",),
    "repair": ("汽车服务", "汽车维修"), "public_services": ("园林绿化", "生态环境"),
    "agriculture": ("农业科技", "农牧业", "种养殖专业合作社"), "food_processing": ("食品", "乳业", "肉业"),
}
STREETS = ("建设路", "幸福街", "光明路", "工业大街", "科技园路", "滨河路", "迎宾大道", "朝阳路", "新华街", "民族街")


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def person_name(rng: np.random.Generator, *, mongolian: bool, male: bool) -> str:
    """A made-up Han or Mongolian name (Mongolian names carry no surname)."""
    if mongolian and rng.random() < 0.7:
        return _pick(rng, MONGOLIAN_M if male else MONGOLIAN_F)
    given = GIVEN_M if male else GIVEN_F
    length = 1 if rng.random() < 0.3 else 2
    return _pick(rng, SURNAMES) + "".join(_pick(rng, given) for _ in range(length))


def other_ethnicity(rng: np.random.Generator) -> str:
    r = rng.random()
    return "满族" if r < 0.02 else "回族" if r < 0.03 else "汉族"


def township(rng: np.random.Generator, county_name: str) -> str:
    return _pick(rng, TOWNSHIP_SUFFIXES) + ("苏木" if county_name.endswith("旗") and rng.random() < 0.3 else "镇")


def village(rng: np.random.Generator) -> str:
    return _pick(rng, VILLAGES) + ("嘎查" if rng.random() < 0.15 else "村")


def company_name(rng: np.random.Generator, place: str, category: str) -> str:
    return f"{place}{_pick(rng, COMPANY_PREFIXES)}{_pick(rng, INDUSTRY_SUFFIX[category])}有限公司"


def address(rng: np.random.Generator, place: str) -> str:
    return f"{place}{_pick(rng, STREETS)}{int(rng.integers(1, 300))}号"

"""occupations: the 大典 hierarchy (level, parent, aliases, 绿色/数字 flags, search terms);
curated codes corrected against the 大典 2022 and every stored reference moved to them

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 21:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

MOVES: dict[str, tuple[str, str]] = {
    # old code: (new code, name there). Frozen here on purpose — a migration must not change
    # when seed/data/occupations.yaml does; a test checks it against the file's `formerly`.
    '4-07-05-04': ('4-07-05-03', '消防设施操作员'),
    '4-09-07-02': ('4-09-08-01', '保洁员'),
    '4-02-07-10': ('4-10-08-01', '网约配送员'),
    '4-02-06-03': ('4-02-05-01', '装卸搬运工'),
    '6-30-05-04': ('6-30-05-01', '起重装卸机械操作工'),
    '6-28-01-14': ('6-29-02-12', '送配电线路工'),
    '6-29-01-02': ('6-29-01-03-01', '模板工'),
    '6-29-03-01': ('6-29-03-04', '管工'),
    '4-10-03-01': ('4-10-03-02', '美发师'),
    '4-09-05-01': ('4-09-10-01', '园林绿化工'),
    '5-02-02-04': ('5-02-03-01', '护林员'),
    '5-01-02-01': ('5-01-02-02-01', '蔬菜园艺工'),
    '5-01-02-03': ('5-01-02-02-02', '果类园艺工'),
    '5-05-01-01': ('5-05-05-01', '农机驾驶操作员'),
    '6-02-04-01': ('6-01-04-01', '畜禽屠宰加工工'),
    '6-02-05-01': ('6-02-04-01', '乳品加工工'),
    '6-05-01-02': ('6-05-01-03', '缝纫工'),
}

occupations = sa.table(
    'occupations', sa.column('code', sa.String), sa.column('name_zh', sa.String),
    sa.column('name_en', sa.String), sa.column('category', sa.String), sa.column('skills', sa.JSON),
    sa.column('wage_min', sa.Integer), sa.column('wage_max', sa.Integer),
    sa.column('level', sa.Integer), sa.column('parent_code', sa.String), sa.column('aliases', sa.JSON),
)
postings = sa.table('postings', sa.column('occupation_code', sa.String))
labor_brands = sa.table('labor_brands', sa.column('occupation_code', sa.String))
workers = sa.table('workers', sa.column('id', sa.Integer), sa.column('preferred_occupations', sa.JSON))


def upgrade() -> None:
    with op.batch_alter_table('occupations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('level', sa.Integer(), server_default='4', nullable=False))
        batch_op.add_column(sa.Column('parent_code', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('aliases', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('green', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('digital', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('search_terms', sa.Text(), server_default='', nullable=False))
        for name, type_ in (('name_en', sa.String(length=128)), ('category', sa.String(length=32)),
                            ('wage_min', sa.Integer()), ('wage_max', sa.Integer())):
            batch_op.alter_column(name, existing_type=type_, nullable=True)
        batch_op.create_index(batch_op.f('ix_occupations_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_occupations_parent_code'), ['parent_code'], unique=False)
    op.execute(sa.text("UPDATE occupations SET aliases = '[]'"))
    with op.batch_alter_table('occupations', schema=None) as batch_op:
        batch_op.alter_column('aliases', existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table('skills', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_terms', sa.Text(), server_default='', nullable=False))
    move_codes(op.get_bind(), {old: new for old, (new, _) in MOVES.items()},
               {new: name for new, name in MOVES.values()})


def move_codes(conn: sa.Connection, moves: dict[str, str], names: dict[str, str]) -> None:
    """Re-key the old rows and every reference at once (not one after another: 乳品加工工's
    new code 6-02-04-01 was 畜禽屠宰加工工's old one). ``seed reference`` refreshes the rest."""
    targets = set(moves.values())
    stored = {row['code']: dict(row) for row in conn.execute(
        sa.select(occupations).where(occupations.c.code.in_([*moves, *targets]))).mappings()}
    for old, new in moves.items():
        if old not in stored:
            continue
        values = {**stored[old], 'code': new, 'name_zh': names.get(new, stored[old]['name_zh']),
                  'level': 5 if new.count('-') == 4 else 4,
                  'parent_code': new.rsplit('-', 1)[0] if new.count('-') == 4 else None}
        if new in stored:
            conn.execute(occupations.update().where(occupations.c.code == new).values(**values))
        else:
            conn.execute(occupations.insert().values(**values))
            stored[new] = values
    remap = sa.case(moves, value=postings.c.occupation_code)
    conn.execute(postings.update().where(postings.c.occupation_code.in_(moves)).values(occupation_code=remap))
    remap = sa.case(moves, value=labor_brands.c.occupation_code)
    conn.execute(labor_brands.update().where(labor_brands.c.occupation_code.in_(moves))
                 .values(occupation_code=remap))
    text = sa.cast(workers.c.preferred_occupations, sa.Text)
    rows = conn.execute(sa.select(workers.c.id, workers.c.preferred_occupations)
                        .where(sa.or_(*(text.like(f'%"{old}"%') for old in moves)))).all()
    updates = [{'wid': wid, 'prefs': list(dict.fromkeys(moves.get(c, c) for c in prefs))}
               for wid, prefs in rows]
    if updates:
        conn.execute(workers.update().where(workers.c.id == sa.bindparam('wid'))
                     .values(preferred_occupations=sa.bindparam('prefs', type_=sa.JSON)), updates)
    gone = [old for old in moves if old in stored and old not in targets]
    conn.execute(occupations.delete().where(occupations.c.code.in_(gone)))


def downgrade() -> None:
    """Move the corrected codes back and drop the rows the old schema cannot hold (codes
    without curated data; fails on purpose while a posting still uses one of them)."""
    back = {new: old for old, (new, _) in MOVES.items()}
    conn = op.get_bind()
    move_codes(conn, back, {})
    conn.execute(occupations.delete().where(occupations.c.category.is_(None)))
    with op.batch_alter_table('skills', schema=None) as batch_op:
        batch_op.drop_column('search_terms')
    with op.batch_alter_table('occupations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_occupations_parent_code'))
        batch_op.drop_index(batch_op.f('ix_occupations_level'))
        for name, type_ in (('name_en', sa.String(length=128)), ('category', sa.String(length=32)),
                            ('wage_min', sa.Integer()), ('wage_max', sa.Integer())):
            batch_op.alter_column(name, existing_type=type_, nullable=False)
        for name in ('search_terms', 'digital', 'green', 'aliases', 'parent_code', 'level'):
            batch_op.drop_column(name)

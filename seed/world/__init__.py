"""The deterministic synthetic labour-cooperation world (demo, tests, benchmarks).

``generate_world`` builds it; ``true_stability`` is its hidden ground truth, for
evaluation code only.
"""
from seed.world.build import WorldSummary, generate_world
from seed.world.truth import employer_quality, stability_factors, true_stability

__all__ = ["WorldSummary", "employer_quality", "generate_world", "stability_factors", "true_stability"]

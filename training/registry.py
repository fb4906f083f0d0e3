"""Model registry: signed ranker artifacts in the database, activation and rollback.

A pickle is code, so an artifact is unpickled only after its HMAC-SHA256 signature under
``MODEL_SIGNING_KEY`` matches; a tampered or foreign artifact is refused and ranking falls
back to the heuristic.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import pickle
import platform
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import scipy
import sklearn
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from matching.features import FEATURE_NAMES
from models.db.base import utcnow
from models.errors import Conflict, NotFound
from models.rankers.tables import ModelVersion

log = logging.getLogger("jingmeng.registry")


class ArtifactRefused(Exception):
    """The stored artifact's signature or checksum does not match."""


@dataclass(frozen=True)
class LoadedModel:
    version: str
    estimator: Any
    """A fitted ``training.ranker.Ranker``."""
    calibrator: Any | None
    """Maps scores to P(still employed at 90 days), when fitted."""
    feature_names: tuple[str, ...]
    reference: np.ndarray | None
    """Typical feature vector (training medians) for explanations."""
    outcomes: Any | None = None
    """``training.probabilities.OutcomeModels``: P(hired | interviewed), P(lasting | hired)."""


def sign(artifact: bytes, key: str) -> str:
    return hmac.new(key.encode(), artifact, hashlib.sha256).hexdigest()


def library_versions() -> dict[str, str]:
    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
            "numpy": np.__version__, "scipy": scipy.__version__}


def register(session: Session, *, key: str, estimator: Any, calibrator: Any | None,
             feature_names: tuple[str, ...], reference: np.ndarray | None, metrics: dict[str, Any],
             trained_from: date | None, trained_to: date | None, evaluated_to: date | None,
             outcomes: Any | None = None) -> ModelVersion:
    """Store a new candidate version; returns the row."""
    payload = {"estimator": estimator, "calibrator": calibrator, "feature_names": tuple(feature_names),
               "reference": reference, "outcomes": outcomes, "sklearn": sklearn.__version__}
    artifact = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    stamp = utcnow().strftime("%Y%m%d%H%M%S")
    count = len(session.scalars(select(ModelVersion.id)).all())
    row = ModelVersion(
        version=f"v{count + 1}-{stamp}", status="candidate", trained_from=trained_from,
        trained_to=trained_to, evaluated_to=evaluated_to, metrics=metrics,
        feature_names=list(feature_names), library_versions=library_versions(),
        checksum=hashlib.sha256(artifact).hexdigest(), signature=sign(artifact, key), artifact=artifact,
    )
    session.add(row)
    session.flush()
    return row


def load(row: ModelVersion, *, key: str) -> LoadedModel:
    """Verify and unpickle an artifact; raises ``ArtifactRefused`` on any mismatch."""
    artifact = row.artifact
    if not hmac.compare_digest(sign(artifact, key), row.signature):
        raise ArtifactRefused(f"signature mismatch for model {row.version}")
    if hashlib.sha256(artifact).hexdigest() != row.checksum:
        raise ArtifactRefused(f"checksum mismatch for model {row.version}")
    payload = pickle.loads(artifact)  # noqa: S301 - signature verified above
    if tuple(payload["feature_names"]) != FEATURE_NAMES:
        # A model of an earlier release scores other columns: it would fail on every request.
        raise ArtifactRefused(f"model {row.version} was trained on other features; train a new one")
    if payload.get("sklearn") != sklearn.__version__:
        log.warning("model trained with another scikit-learn",
                    extra={"version": row.version, "trained_with": payload.get("sklearn"),
                           "running": sklearn.__version__})
    return LoadedModel(row.version, payload["estimator"], payload.get("calibrator"),
                       tuple(payload["feature_names"]), payload.get("reference"), payload.get("outcomes"))


def active(session: Session) -> ModelVersion | None:
    return session.scalar(select(ModelVersion).where(ModelVersion.status == "active"))


def activate(session: Session, version: str) -> ModelVersion:
    """Make ``version`` the active model; the previously active one is retired."""
    row = session.scalar(select(ModelVersion).where(ModelVersion.version == version))
    if row is None:
        raise NotFound("未找到 / Not found")
    session.execute(update(ModelVersion).where(ModelVersion.status == "active", ModelVersion.id != row.id)
                    .values(status="retired"))
    row.status, row.activated_at = "active", utcnow()
    session.flush()
    return row


def rollback(session: Session) -> ModelVersion:
    """Re-activate the most recently activated retired version."""
    previous = session.scalar(
        select(ModelVersion).where(ModelVersion.status == "retired", ModelVersion.activated_at.is_not(None))
        .order_by(ModelVersion.activated_at.desc()))
    if previous is None:
        raise Conflict("没有可回滚的版本 / No earlier active version to roll back to")
    return activate(session, previous.version)

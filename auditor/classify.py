"""二级指标 classifier: character n-gram TF-IDF + a linear model over 三级指标 and 绩效指标描述.

Trained from the labelled corpus shipped in lexicons/level2_corpus.tsv (seed rows with misfiled
rows relabelled, plus typical rows written from the official framework). The fitted model is
built once per process; it is also cached on disk under ~/.cache/auditor (or $AUDITOR_CACHE_DIR),
keyed by the corpus hash and the scikit-learn version. Set AUDITOR_CACHE_DIR="" to disable.
scikit-learn is imported lazily, only when a prediction is asked for.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from functools import lru_cache
from pathlib import Path

from auditor.resources import data_dir

CORPUS = "level2_corpus.tsv"


def corpus_path() -> Path:
    return data_dir("lexicons") / CORPUS


def load_corpus(path: Path | None = None) -> tuple[list[str], list[str], list[str]]:
    """(texts, labels, groups) from the corpus TSV: level2<TAB>name<TAB>description<TAB>group."""
    texts, labels, groups = [], [], []
    for line in (path or corpus_path()).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        name = parts[1]
        description = parts[2] if len(parts) > 2 else ""
        texts.append(row_text(name, description))
        labels.append(normalise_level2(parts[0]) or parts[0])
        groups.append(parts[3] if len(parts) > 3 else "")
    return texts, labels, groups


def row_text(name: str, description: str = "") -> str:
    """The classifier's input: the name counts twice (it carries most of the signal)."""
    name = " ".join((name or "").split())
    description = " ".join((description or "").split())
    return f"{name} {name} | {description}"


@lru_cache(maxsize=1)
def _level2_aliases() -> dict[str, tuple[str, str]]:
    from auditor.resources import lexicon

    table = {}
    for line in lexicon("level2"):
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) >= 3:
            table[parts[0]] = (parts[1], parts[2])
    return table


def normalise_level2(text: str) -> str | None:
    """An 二级指标 as written (数量, 经济成本指标, 满意度 ...) -> its official name, or None."""
    key = "".join((text or "").split()).rstrip("：:")
    hit = _level2_aliases().get(key)
    return hit[0] if hit else None


def level1_of(level2: str) -> str | None:
    """The official 一级指标 an official 二级指标 sits under."""
    hit = _level2_aliases().get(level2)
    return hit[1] if hit else None


def make_model():
    """An unfitted pipeline (used by the evaluation script too)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=1),
        LogisticRegression(C=20.0, max_iter=2000, class_weight="balanced"),
    )


def _cache_file(digest: str) -> Path | None:
    root = os.environ.get("AUDITOR_CACHE_DIR")
    if root == "":
        return None
    try:
        import sklearn

        version = sklearn.__version__
    except Exception:  # noqa: BLE001
        return None
    base = Path(root) if root else Path.home() / ".cache" / "auditor"
    return base / f"level2-{digest[:16]}-sk{version}.pkl"


@lru_cache(maxsize=1)
def model():
    """The fitted classifier (once per process; from the disk cache when the corpus is unchanged)."""
    data = corpus_path().read_bytes()
    digest = hashlib.sha256(data + repr(make_model()).encode()).hexdigest()
    cache = _cache_file(digest)
    if cache is not None and cache.is_file():
        try:
            with cache.open("rb") as fh:
                return pickle.load(fh)
        except Exception:  # noqa: BLE001 - a stale or broken cache is rebuilt
            pass
    texts, labels, _ = load_corpus()
    fitted = make_model().fit(texts, labels)
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".tmp{os.getpid()}")
            with tmp.open("wb") as fh:
                pickle.dump(fitted, fh)
            os.replace(tmp, cache)
        except OSError:
            pass
    return fitted


def predict_proba(rows: list[tuple[str, str]]) -> list[dict[str, float]]:
    """[(name, description)] -> [{official 二级指标: probability}] for every class, one batch."""
    if not rows:
        return []
    clf = model()
    probs = clf.predict_proba([row_text(n, d) for n, d in rows])
    return [{str(c): float(p) for c, p in zip(clf.classes_, row, strict=True)} for row in probs]


def predict(rows: list[tuple[str, str]]) -> list[tuple[str, float]]:
    """[(name, description)] -> [(predicted official 二级指标, its probability)], one batch."""
    return [max(dist.items(), key=lambda kv: kv[1]) for dist in predict_proba(rows)]


def predict_one(name: str, description: str = "") -> tuple[str, float]:
    return predict([(name, description)])[0]

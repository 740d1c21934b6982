"""二级指标 classifier: character n-gram TF-IDF + a linear model over 三级指标 and 绩效指标描述.

Fitted to the labelled corpus shipped in lexicons/level2_corpus.tsv (seed rows with misfiled
rows relabelled, plus typical rows written from the official framework). The fitted model ships
with the package as plain arrays (lexicons/level2_model.npz, a ``LinearModel``), so predicting
needs numpy alone and no run trains anything. After changing the corpus or the settings, refit
it with ``python -m auditor.classify --fit`` (needs the ``fit`` extra: scikit-learn);
tests/test_classify.py fails while the shipped model is not the corpus's.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

from auditor.chars import TEXT_CACHE
from auditor.resources import data_dir

CORPUS = "level2_corpus.tsv"
MODEL = "level2_model.npz"


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
    from auditor.resources import lexicon_rows

    table = {}
    for parts in lexicon_rows("level2"):
        if len(parts) >= 3:
            table[parts[0]] = (parts[1], parts[2])
    return table


_LABEL_NOTE = re.compile(r"[(（][^()（）]*[)）]\s*分?|\d+(?:\.\d+)?\s*分$")


def strip_label_note(text: str) -> str:
    """A level label without its bracketed note or score: 数量指标(必填硬性指标) -> 数量指标, 产出指标(50分) -> 产出指标."""
    return _LABEL_NOTE.sub("", text or "")


@lru_cache(maxsize=TEXT_CACHE)
def normalise_level2(text: str) -> str | None:
    """An 二级指标 as written (数量, 经济成本指标, 满意度, 质量指标(必填) ...) -> its official name, or None."""
    key = "".join(strip_label_note(text).split()).rstrip("：:")
    hit = _level2_aliases().get(key)
    return hit[0] if hit else None


def level1_of(level2: str) -> str | None:
    """The official 一级指标 an official 二级指标 sits under."""
    hit = _level2_aliases().get(level2)
    return hit[1] if hit else None


# The model's settings; the shipped model records them with the corpus it was fitted to.
NGRAMS = (1, 3)
C = 20.0


def make_model():
    """An unfitted scikit-learn pipeline (for fitting and the evaluation script)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True, min_df=1),
        LogisticRegression(C=C, max_iter=2000, class_weight="balanced"),
    )


_SPACES = re.compile(r"\s\s+")
_SCORES_KEPT = TEXT_CACHE  # texts whose outcome (and words whose n-gram columns) a model remembers


class LinearModel:
    """The fitted TF-IDF + logistic regression as plain arrays: predicting needs numpy only.

    Features are computed the way scikit-learn's ``TfidfVectorizer(analyzer="char_wb",
    sublinear_tf=True)`` does (lower-cased text, character n-grams inside space-padded words,
    1 + log(count), times idf, l2-normalised); probabilities are the multinomial softmax.
    tests/test_classify.py checks that both give the same probabilities.
    """

    def __init__(
        self, vocabulary: dict[str, int], idf, coef, intercept, classes: list[str], ngrams=NGRAMS, fitted_to: str = ""
    ):
        self.vocabulary, self.idf, self.coef, self.intercept = vocabulary, idf, coef, intercept
        self.classes_ = list(classes)
        self.ngrams = tuple(ngrams)
        self.fitted_to = fitted_to  # fingerprint() of the corpus and settings it was fitted with
        self._coef_t = None
        self._columns: dict[str, tuple[int, ...]] = {}  # word -> its n-grams' columns (see _word_columns)
        self._outcomes: dict[str, tuple[str, float, list[float]]] = {}  # text -> see outcomes
        self.class_index = {c: i for i, c in enumerate(self.classes_)}

    @classmethod
    def from_pipeline(cls, pipeline, fitted_to: str = "") -> LinearModel:
        vectorizer, linear = pipeline.steps[0][1], pipeline.steps[-1][1]
        vocabulary = {str(k): int(v) for k, v in sorted(vectorizer.vocabulary_.items(), key=lambda kv: kv[1])}
        classes = [str(c) for c in linear.classes_]
        return cls(vocabulary, vectorizer.idf_, linear.coef_, linear.intercept_, classes, NGRAMS, fitted_to)

    def _word_columns(self, word: str) -> tuple[int, ...]:
        """The vocabulary columns of one word's character n-grams (padded with a space each side),
        remembered: indicator texts are made of the same few thousand words."""
        found = self._columns.get(word)
        if found is None:
            low, high = self.ngrams
            padded, grams = f" {word} ", []
            for n in range(low, high + 1):
                if len(padded) < n:
                    if n == low:
                        grams.append(padded)
                    break
                grams += [padded[i : i + n] for i in range(len(padded) - n + 1)]
            vocabulary = self.vocabulary
            found = tuple([col for col in map(vocabulary.get, grams) if col is not None])
            if len(self._columns) >= _SCORES_KEPT:
                self._columns.clear()
            self._columns[word] = found
        return found

    def _contributions(self, texts: list[str]) -> dict[str, object]:
        """What each distinct text adds to the intercepts (None: no known n-gram), all of them in
        a few array operations (``outcomes`` remembers the results per text).

        A text's n-grams are counted by one ``np.unique`` over (text, column) keys of the whole
        batch, each text's columns kept in the order they first occur in it: the weights are
        summed in the same order as a per-text ``Counter`` would give them."""
        import numpy as np

        found: dict[str, object] = {}
        cols: list[int] = []
        sizes: list[int] = []
        known: list[str] = []
        for text in dict.fromkeys(texts):
            columns: list[int] = []
            for word in _SPACES.sub(" ", text.lower()).split():
                columns += self._word_columns(word)
            if not columns:
                found[text] = None
                continue
            known.append(text)
            sizes.append(len(columns))
            cols += columns
        if not known:
            return found
        width = len(self.idf)
        owner = np.repeat(np.arange(len(known), dtype=np.int64), sizes)
        keys, first, counts = np.unique(
            owner * width + np.array(cols, dtype=np.int64), return_index=True, return_counts=True
        )
        order = np.argsort(first, kind="stable")  # texts in turn, each one's columns as they first occur
        keys, counts = keys[order], counts[order]
        col = keys % width
        at = np.searchsorted(keys // width, np.arange(len(known)))
        weights = (1 + np.log(counts.astype(float))) * self.idf[col]
        norms = np.sqrt(np.add.reduceat(weights * weights, at))
        weights /= np.repeat(norms, np.diff(np.append(at, len(col))))
        contributions = np.add.reduceat(weights[:, None] * self._coef_t[col], at, axis=0)
        found.update(zip(known, contributions, strict=True))
        return found

    def predict_proba(self, texts: list[str]):
        """Class probabilities, one row per text (columns in ``classes_`` order)."""
        import numpy as np

        if self._coef_t is None:  # features x classes, so a text's few columns are one gather
            self._coef_t = np.ascontiguousarray(self.coef.T)
        found = self._contributions(texts)
        scores = np.tile(self.intercept, (len(texts), 1)).astype(float)
        for r, text in enumerate(texts):
            contribution = found[text]
            if contribution is not None:
                scores[r] += contribution
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        return scores / scores.sum(axis=1, keepdims=True)

    def outcomes(self, texts: list[str]) -> list[tuple[str, float, list[float]]]:
        """Per text: (the most probable class, its probability, every class's probability in
        ``classes_`` order), remembered per text (the new ones worked out in one batch)."""
        known = self._outcomes
        new = [t for t in dict.fromkeys(texts) if t not in known]
        if new:
            if len(known) + len(new) > _SCORES_KEPT:  # start afresh, keeping what this batch needs
                known.clear()
                new = list(dict.fromkeys(texts))
            probs = self.predict_proba(new)
            best = probs.argmax(axis=1)
            for r, text in enumerate(new):
                known[text] = (str(self.classes_[best[r]]), float(probs[r, best[r]]), probs[r].tolist())
        return [known[t] for t in texts]

    def save(self, path: Path) -> None:
        """Write the arrays (compressed, written whole or not at all)."""
        import numpy as np

        meta = {"vocabulary": self.vocabulary, "classes": self.classes_, "ngrams": self.ngrams}
        meta["fitted_to"] = self.fitted_to
        tmp = path.with_suffix(f".tmp{os.getpid()}.npz")
        with tmp.open("wb") as fh:
            np.savez_compressed(
                fh,
                idf=self.idf,
                coef=self.coef,
                intercept=self.intercept,
                meta=np.array(json.dumps(meta, ensure_ascii=False)),
            )
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        import numpy as np

        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            arrays = data["idf"], data["coef"], data["intercept"]
        return cls(meta["vocabulary"], *arrays, meta["classes"], meta["ngrams"], meta.get("fitted_to", ""))


def model_path() -> Path:
    return data_dir("lexicons") / MODEL


def fingerprint() -> str:
    """What a fitted model depends on: the corpus and the model settings."""
    data = corpus_path().read_bytes()
    return hashlib.sha256(data + repr((NGRAMS, C, "char_wb", "balanced")).encode()).hexdigest()[:16]


def fit() -> LinearModel:
    """Fit the classifier to the shipped corpus (needs scikit-learn: the ``fit`` extra)."""
    texts, labels, _ = load_corpus()
    return LinearModel.from_pipeline(make_model().fit(texts, labels), fingerprint())


@lru_cache(maxsize=1)
def model() -> LinearModel:
    """The shipped fitted classifier, loaded once per process (numpy only)."""
    return LinearModel.load(model_path())


def predict_proba(rows: list[tuple[str, str]]) -> list[dict[str, float]]:
    """[(name, description)] -> [{official 二级指标: probability}] for every class, one batch."""
    if not rows:
        return []
    clf = model()
    probs = clf.predict_proba([row_text(n, d) for n, d in rows])
    return [{str(c): float(p) for c, p in zip(clf.classes_, row, strict=True)} for row in probs]


def predict_filed(rows: list[tuple[str, str, str]]) -> list[tuple[str, float, float]]:
    """[(name, description, filed official 二级指标 or "")] -> [(predicted 二级指标, its probability,
    the probability of the filed one)], one batch: what the analyse stage keeps, without a
    dictionary of every class per row."""
    if not rows:
        return []
    clf = model()
    index = clf.class_index
    out = []
    for (label, proba, row), (_, _, filed) in zip(
        clf.outcomes([row_text(n, d) for n, d, _ in rows]), rows, strict=True
    ):
        column = index.get(filed)
        out.append((label, proba, row[column] if column is not None else 0.0))
    return out


def predict(rows: list[tuple[str, str]]) -> list[tuple[str, float]]:
    """[(name, description)] -> [(predicted official 二级指标, its probability)], one batch."""
    return [max(dist.items(), key=lambda kv: kv[1]) for dist in predict_proba(rows)]


def predict_one(name: str, description: str = "") -> tuple[str, float]:
    return predict([(name, description)])[0]


def main(argv: list[str]) -> int:
    """``python -m auditor.classify --fit``: refit the shipped model to the corpus (at release time)."""
    if argv != ["--fit"]:
        print("usage: python -m auditor.classify --fit", file=sys.stderr)
        return 2
    fitted = fit()
    fitted.save(model_path())
    print(
        f"{model_path()}: {len(fitted.classes_)} classes, {len(fitted.vocabulary)} features, corpus {fitted.fitted_to}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

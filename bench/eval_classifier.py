"""Cross-validated accuracy of the 二级指标 classifier (auditor/classify.py) on its shipped corpus.

Two figures:
  * stratified 5-fold CV over the whole corpus;
  * leave-one-document-out: each seed document's rows are predicted by a model trained on the
    other documents plus the hand-written rows (how it does on an unseen department).
Usage: PYTHONPATH=. python bench/eval_classifier.py   (scikit-learn: pip install -e ".[fit]")
"""

from __future__ import annotations

import sys
from collections import Counter

import numpy as np
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from auditor.classify import load_corpus, make_model


def main() -> int:
    texts, labels, groups = load_corpus()
    x, y, g = np.array(texts, dtype=object), np.array(labels), np.array(groups)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    pred = cross_val_predict(make_model(), x, y, cv=folds)
    cv = float((pred == y).mean())
    print(f"corpus: {len(y)} rows, {len(set(y))} classes")
    print(f"stratified 5-fold CV accuracy: {cv:.3f}")

    docs = sorted({d for d in g if d.startswith("seed")})
    hits = total = 0
    for doc in docs:
        test = g == doc
        model = make_model().fit(x[~test], y[~test])
        got = model.predict(x[test])
        hits += int((got == y[test]).sum())
        total += int(test.sum())
        print(f"  {doc}: {float((got == y[test]).mean()):.3f} ({int(test.sum())} rows)")
    print(f"leave-one-document-out accuracy: {hits / total:.3f} over {total} seed rows")

    wrong = Counter((t, p) for t, p in zip(y, pred, strict=True) if t != p)
    print("most common CV confusions (true -> predicted):")
    for (t, p), n in wrong.most_common(8):
        print(f"  {t} -> {p}: {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

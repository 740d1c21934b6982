"""二级指标 classifier: shipped corpus, official names, predictions on unseen phrasings."""

import pytest

from auditor import classify

OFFICIAL = {
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
}


def test_corpus_uses_official_names_and_covers_every_class():
    texts, labels, groups = classify.load_corpus()
    assert len(texts) == len(labels) == len(groups) >= 400
    assert set(labels) == OFFICIAL
    assert {g for g in groups if g.startswith("seed")} and "hand" in groups


@pytest.mark.parametrize(
    "written,official",
    [
        ("数量", "数量指标"),
        ("经济成本指标", "成本指标"),
        ("满意度指标", "服务对象满意度指标"),
        (" 时效指标 ", "时效指标"),
        ("产出数量", "数量指标"),
        ("时效性指标", "时效指标"),
        ("生态环境效益指标", "生态效益指标"),
        ("其他", None),
    ],
)
def test_normalise_level2(written, official):
    assert classify.normalise_level2(written) == official


@pytest.mark.parametrize(
    "name,description,expected",
    [
        # phrasings not in the corpus
        ("参会企业满意度", "参会企业对活动组织的满意程度", "服务对象满意度指标"),
        ("宣传册印制费用", "宣传册印制支出", "成本指标"),
        ("走访企业户数", "全年走访服务企业户数", "数量指标"),
        ("补助资金拨付时间", "补助资金拨付到企业的时间", "时效指标"),
    ],
)
def test_predicts_unseen_rows(name, description, expected):
    label, proba = classify.predict_one(name, description)
    assert label == expected
    assert 0 < proba <= 1


def test_batch_predict_and_model_built_once():
    out = classify.predict([("企业满意度", ""), ("系统故障率", "系统故障时间/总运行时间")])
    assert [label for label, _ in out] == ["服务对象满意度指标", "质量指标"]
    assert classify.predict([]) == []
    assert classify.model() is classify.model()


def test_disk_cache_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path))
    classify.model.cache_clear()
    try:
        first = classify.model()
        assert list(tmp_path.glob("level2-*.npz"))
        classify.model.cache_clear()
        second = classify.model()  # loaded from the cache file
        assert list(second.classes_) == list(first.classes_)
    finally:
        classify.model.cache_clear()


def test_plain_model_gives_scikit_learns_probabilities():
    """LinearModel computes what the fitted scikit-learn pipeline computes, without importing it."""
    import numpy as np

    texts, labels, _ = classify.load_corpus()
    pipeline = classify.make_model().fit(texts, labels)
    plain = classify.LinearModel.from_pipeline(pipeline)
    probe = texts[:80] + [classify.row_text("ＡＢ  企业满意度", "a"), classify.row_text("", ""), "x"]
    assert np.abs(plain.predict_proba(probe) - pipeline.predict_proba(probe)).max() < 1e-9
    assert plain.classes_ == [str(c) for c in pipeline.classes_]

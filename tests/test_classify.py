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


@pytest.fixture(scope="module")
def refitted():
    """The scikit-learn pipeline fitted to the shipped corpus now (what ``--fit`` does)."""
    texts, labels, _ = classify.load_corpus()
    return classify.make_model().fit(texts, labels)


def test_shipped_model_records_the_shipped_corpus():
    """Fails when the corpus or the settings change without ``python -m auditor.classify --fit``."""
    assert classify.model().fitted_to == classify.fingerprint()


@pytest.mark.slow
def test_shipped_model_is_a_fresh_fit_of_the_corpus(refitted):
    import numpy as np

    shipped = classify.model()
    fresh = classify.LinearModel.from_pipeline(refitted)
    assert shipped.vocabulary == fresh.vocabulary and shipped.classes_ == fresh.classes_
    assert np.allclose(shipped.coef, fresh.coef, atol=1e-6) and np.allclose(shipped.idf, fresh.idf)


@pytest.mark.slow
def test_plain_model_gives_scikit_learns_probabilities(refitted):
    """LinearModel computes what the fitted scikit-learn pipeline computes, without importing it."""
    import numpy as np

    texts, _, _ = classify.load_corpus()
    plain = classify.LinearModel.from_pipeline(refitted)
    probe = texts[:80] + [classify.row_text("ＡＢ  企业满意度", "a"), classify.row_text("", ""), "x"]
    assert np.abs(plain.predict_proba(probe) - refitted.predict_proba(probe)).max() < 1e-9
    assert plain.classes_ == [str(c) for c in refitted.classes_]


def test_save_and_load_round_trip(tmp_path):
    shipped = classify.model()
    plain = classify.LinearModel(
        shipped.vocabulary, shipped.idf, shipped.coef, shipped.intercept, shipped.classes_, shipped.ngrams, "abc"
    )
    plain.save(tmp_path / "m.npz")
    again = classify.LinearModel.load(tmp_path / "m.npz")
    assert again.fitted_to == "abc" and again.classes_ == plain.classes_
    probe = [classify.row_text("企业满意度", ""), classify.row_text("宣传册印制费用", "")]
    assert (again.predict_proba(probe) == plain.predict_proba(probe)).all()


def test_a_run_imports_no_training_or_unused_library(tmp_path):
    """`audit score` on the examples loads the shipped model: no scikit-learn, spaCy or pandas."""
    import subprocess
    import sys
    from pathlib import Path

    examples = Path(__file__).resolve().parent.parent / "examples"
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from auditor.cli import main\n"
        f"result = CliRunner().invoke(main, ['score', {str(examples)!r}, '-o', {str(tmp_path)!r}, '-j', '1', '--quiet'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(sorted(m for m in ('sklearn', 'spacy', 'pandas') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert (tmp_path / "index.html").is_file()


def test_a_full_memory_never_changes_a_prediction(monkeypatch, tmp_path):
    """What a model remembers per text is bounded; when it is full it starts afresh, and the
    texts of the batch being predicted are all worked out again (none is taken as unknown)."""
    rows = [
        ("义务教育学生资助人数", "", "数量指标"),
        ("困难群众救助金发放及时率", "", "时效指标"),
        ("病媒生物防制覆盖率", "", "质量指标"),
        ("服务对象满意度", "", "服务对象满意度指标"),
        ("林木良种苗木成活率", "", "质量指标"),
    ]
    roomy = classify.LinearModel.load(classify.model_path())
    monkeypatch.setattr(classify, "model", lambda: roomy)
    expected = classify.predict_filed(rows)
    cramped = classify.LinearModel.load(classify.model_path())
    monkeypatch.setattr(classify, "model", lambda: cramped)
    monkeypatch.setattr(classify, "_SCORES_KEPT", 3)
    classify.predict_filed(rows[:2])  # remembered, then the next batch overflows the memory
    assert classify.predict_filed(rows) == expected
    assert classify.predict_filed(rows[3:] + rows[:3]) == expected[3:] + expected[:3]

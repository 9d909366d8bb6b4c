"""The batch on Dask: a LocalCluster of two worker processes, reached through
--scheduler as a real cluster would be, and started by --cluster local:N."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from restore.batch import workers
from restore.cli import main
from restore.cluster import local_workers
from restore.errors import InputError
from restore.spinner import Spinner
from tests.conftest import clean_seed_texts, tiny_synonym_table

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as local, \
            distributed.Client(local) as client:
        yield client


@pytest.fixture
def folder(tmp_path) -> Path:
    paragraphs = clean_seed_texts()
    spinner = Spinner(tiny_synonym_table(), seed=5)
    root = tmp_path / "in"
    root.mkdir()
    for i in range(4):
        (root / f"{i}.txt").write_text(spinner.spin(paragraphs[i]).spun)
    return root


def test_batch_on_a_dask_scheduler(cluster, folder, tmp_path, tiny_models, tiny_restorer,
                                   capsysbinary):
    out = tmp_path / "out"
    code = main(["--auto", str(folder), "-o", str(out), "--models", str(tiny_models),
                 "--scheduler", cluster.scheduler.address])
    assert code == 0, capsysbinary.readouterr().err.decode()
    for path in folder.iterdir():
        expected = tiny_restorer.analyse(path.read_text()).restored(tiny_restorer.threshold)
        assert (out / "in" / path.name).read_text() == expected
    # every worker process loaded the models once, whatever number of documents it took
    loads = cluster.run(lambda: workers.cached_restorer.cache_info()._asdict())
    assert sum(info["hits"] + info["misses"] for info in loads.values()) == 4
    assert all(info["misses"] <= 1 for info in loads.values())


def test_score_on_a_local_cluster(folder, tiny_models, capsysbinary):
    code = main(["score", "--format", "json", "--fail-above", "1", "--models",
                 str(tiny_models), "--cluster", "local:2", str(folder)])
    report = json.loads(capsysbinary.readouterr().out)
    assert code == 0
    assert sorted(Path(d["file"]).name for d in report["documents"]) == [
        f"{i}.txt" for i in range(4)]


def test_cluster_spec():
    assert local_workers("local:3") == 3
    assert local_workers("local") >= 1
    for wrong in ("local:0", "local:two", "local:", "yarn"):
        with pytest.raises(InputError, match="local or local:N"):
            local_workers(wrong)

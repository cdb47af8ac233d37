"""`ntboot survey --executor dask` (ntboot/survey.py, DaskExecutor): the samples surveyed through a Dask
cluster of two worker processes on 127.0.0.1, started and closed here, give the rows the local process
pool gives; a host process that dies on a worker and a program that is not on the worker are
internal-error rows; without --scheduler the survey starts its own cluster on
127.0.0.1; without Dask, or with a scheduler that does not answer, the option fails with one line."""
import json
import os
import signal
import sys

import pytest

import dask
from distributed import LocalCluster

from ntboot.cli import main as cli_main
from ntboot import survey as S

BIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples", "bin")
SAMPLES = [os.path.join(BIN, n) for n in ("hello.exe", "fault.exe", "missingdll.exe")]


@pytest.fixture(scope="module")
def cluster():
    c = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                     dashboard_address="127.0.0.1:0", death_timeout=30)
    try:
        yield c
    finally:
        c.close(timeout=30)


def _survey(tmp_path, name, *extra):
    out = tmp_path / name
    status = cli_main(["survey", *SAMPLES, "--timeout", "5", "--json", "-o", str(out), "--no-progress", *extra])
    doc = json.loads(out.read_text())
    for r in doc["programs"]:
        r.pop("seconds")
    return status, doc


def test_the_cluster_gives_the_rows_of_the_local_pool(cluster, tmp_path):
    assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    status, remote = _survey(tmp_path, "dask.json", "--executor", "dask", "--scheduler", cluster.scheduler_address)
    assert status == 0
    # every job ran as a task of this cluster's scheduler, none in this process
    prefix = cluster.scheduler.task_prefixes["ntboot-survey"]
    assert sum(prefix.state_counts.values()) >= len(SAMPLES)
    run = {r["name"]: r["run"] for r in remote["programs"]}
    assert (run["hello.exe"]["outcome"], run["hello.exe"]["exit_code"]) == ("exited", 3)
    assert (run["fault.exe"]["outcome"], run["fault.exe"]["status"], run["fault.exe"]["location"]) == \
        ("unhandled exception", 0xC0000005, "fault.exe+0x268b")
    assert (run["missingdll.exe"]["outcome"], run["missingdll.exe"]["function"]) == ("missing DLL or export", "ghost.dll")
    status, local = _survey(tmp_path, "local.json", "-j", "2")
    assert status == 0
    assert remote == local
    assert S.format_text(remote) == S.format_text(local)


def _die(job):
    os.kill(os.getpid(), signal.SIGKILL)


def test_deaths_and_missing_programs_are_internal_errors(cluster):
    hello = S.Job(S.Target(SAMPLES[0]))
    nowhere = S.Job(S.Target("/nonexistent/ntboot-survey/prog.exe"))
    executor = S.DaskExecutor(cluster.scheduler_address)
    results = dict(executor.map(_die, [hello, nowhere]))
    assert results[0]["run"]["outcome"] == "internal error"
    assert results[0]["run"]["detail"] == "the host process died (exit status -9)"
    assert results[1]["run"]["outcome"] == "internal error"
    assert results[1]["run"]["detail"].startswith("/nonexistent/ntboot-survey/prog.exe is not on the worker ")
    assert S.summary(list(results.values()))["internal_errors"] == 2


def test_without_dask_the_option_fails_with_one_line(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)       # `import distributed` raises ImportError
    assert cli_main(["survey", SAMPLES[0], "--executor", "dask", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err == ("ntboot: survey: --executor dask needs Dask's distributed scheduler, which is not installed: "
                   "pip install 'ntboot[cluster]'\n")
    assert cli_main(["survey", SAMPLES[0], "--scheduler", "tcp://127.0.0.1:1", "--no-progress"]) == 2
    assert capsys.readouterr().err == "ntboot: survey: --scheduler needs --executor dask\n"


def test_without_a_scheduler_the_survey_starts_its_own_cluster(capsys):
    assert cli_main(["survey", SAMPLES[0], "--executor", "dask", "-j", "1", "--no-progress"]) == 0
    assert capsys.readouterr().out.splitlines()[2].split()[:4] == ["hello.exe", "41/41", "exited", "3"]


def test_a_scheduler_that_does_not_answer(capsys):
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        assert cli_main(["survey", SAMPLES[0], "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1",
                         "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ntboot: survey: cannot reach the Dask scheduler at tcp://127.0.0.1:1: ")
    assert err.count("\n") == 1

"""`make bench`: speed and resource figures of Lantern and of a bare `rasa init` bot.

Prints a table and writes reports/bench.json. Numbers, never assertions: they depend on
the machine. Measured: cold training time, `make run` to ready with a cached model,
`/model/parse` latency, REST round trips at 1, 10 and 50 concurrent conversations,
peak memory of the Rasa server; the reference bot is measured the same way in the run.
What a 10 MB message and a message at the size limit cost: bot/ops/oversize.py.
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bot.ops import oversize
from bot.ops.modelcache import ensure_model, rasa_env, rasa_executable
from bot.ops.paths import cache_dir
from bot.ops.processes import ManagedProcess, free_port, http_ok, wait_until
from bot.ops.stack import Stack, scratch_settings
from bot.settings import PROJECT_ROOT

REPORT = PROJECT_ROOT / "reports" / "bench.json"
CONCURRENCY = (1, 10, 50)
TURNS_PER_CONVERSATION = 6
PARSE_REQUESTS = 200
MESSAGES = [
    "hi",
    "i got a job offer on facebook for customer service in cambodia, 1500 usd, they pay ticket",
    "they said go with tourist visa and someone will pick me up at the airport",
    "is it safe? they want me to decide by tomorrow and not tell my parents",
    "my brother is in myawaddy, they took his passport and he cant leave",
    "thank you",
    "what is the weather like in bangkok",
    "please help they are beating people here, i am scared",
]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return round(ordered[index], 1)


def _post(url: str, payload: dict[str, Any]) -> float:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def parse_latency(base_url: str, token: str) -> dict[str, float]:
    """Sequential `/model/parse` requests."""
    url = f"{base_url}/model/parse?token={token}"
    for message in MESSAGES:  # warm-up
        _post(url, {"text": message})
    times = [_post(url, {"text": MESSAGES[i % len(MESSAGES)]}) for i in range(PARSE_REQUESTS)]
    return {"p50_ms": _percentile(times, 50), "p95_ms": _percentile(times, 95)}


def rest_load(base_url: str, conversations: int, label: str) -> dict[str, float]:
    """`conversations` users at once, each sending its turns one after another."""
    url = f"{base_url}/webhooks/rest/webhook"
    run_id = secrets.token_hex(4)

    def converse(number: int) -> list[float]:
        sender = f"bench-{label}-{run_id}-{conversations}-{number}"
        return [
            _post(url, {"sender": sender, "message": MESSAGES[(number + turn) % len(MESSAGES)]})
            for turn in range(TURNS_PER_CONVERSATION)
        ]

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=conversations) as pool:
        times = [t for result in pool.map(converse, range(conversations)) for t in result]
    wall = time.perf_counter() - started
    return {
        "conversations": conversations,
        "messages": len(times),
        "p50_ms": _percentile(times, 50),
        "p95_ms": _percentile(times, 95),
        "p99_ms": _percentile(times, 99),
        "messages_per_s": round(len(times) / wall, 1),
    }


def peak_memory_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process and its child processes, in MB."""
    total_kb = 0
    for process in [pid, *_children(pid)]:
        try:
            status = Path(f"/proc/{process}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total_kb += int(line.split()[1])
    return round(total_kb / 1024, 1)


def _children(pid: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(child) for task in tasks for child in (task / "children").read_text().split()]
    except OSError:
        return []


def measure_serving(base_url: str, token: str, label: str) -> dict[str, Any]:
    """Parse latency and REST load at each concurrency level."""
    _post(f"{base_url}/webhooks/rest/webhook", {"sender": f"warm-{label}", "message": "hi"})
    return {
        "parse": parse_latency(base_url, token),
        "rest": [rest_load(base_url, n, label) for n in CONCURRENCY],
    }


def measure_lantern(model: Path, work: Path, workers: int = 1) -> dict[str, Any]:
    """Lantern on SQLite with free ports (several workers share Redis locks)."""
    settings = scratch_settings(
        f"sqlite:///{work / f'bench-{workers}.db'}",
        rasa_workers=workers,
        lock_store_type="redis" if workers > 1 else "in_memory",
        redis_db=5,
    )
    with Stack(settings, model, work / f"lantern-logs-{workers}") as stack:
        figures = measure_serving(settings.rasa_url, settings.rasa_token, f"lantern{workers}")
        rasa_pid = stack.processes[1].process.pid
        figures["rasa_peak_memory_mb"] = peak_memory_mb(rasa_pid)
        figures["action_server_peak_memory_mb"] = peak_memory_mb(stack.processes[0].process.pid)
        if workers == 1:
            figures["oversize"] = oversize.measure(
                "127.0.0.1", settings.rasa_port, settings.rasa_token, rasa_pid
            )
    return figures


def reference_model() -> Path:
    """A bare `rasa init` bot's model, trained once and cached."""
    folder = cache_dir() / "bench-rasa-init"
    model = folder / "models" / "rasa-init.tar.gz"
    if not model.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        # `rasa init --no-prompt` writes the starter project and trains its model.
        subprocess.run(
            [
                rasa_executable(),
                "init",
                "--no-prompt",
                "--init-dir",
                str(folder),
            ],
            env=rasa_env(),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        next((folder / "models").glob("*.tar.gz")).rename(model)
    return model


def measure_reference(work: Path) -> dict[str, Any]:
    """The `rasa init` bot served by plain `rasa run` (its defaults: in-memory store)."""
    model = reference_model()
    port, token = free_port(), secrets.token_urlsafe(16)
    rasa = ManagedProcess(
        "reference Rasa server",
        [
            rasa_executable(),
            "run",
            "--model",
            str(model),
            "--enable-api",
            # "=" form: a token may start with "-", which argparse takes for an option.
            f"--auth-token={token}",
            "--port",
            str(port),
            "-i",
            "127.0.0.1",
        ],
        work / "reference.log",
        rasa_env(),
        model.parent.parent,
    )
    rasa.start()
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: http_ok(f"{base}/status?token={token}"), [rasa], 240)
        figures = measure_serving(base, token, "reference")
        figures["rasa_peak_memory_mb"] = peak_memory_mb(rasa.process.pid)
        return figures
    finally:
        rasa.stop()


def cold_training_seconds(work: Path) -> float:
    """`rasa train` of Lantern with an empty training cache."""
    env = {**rasa_env(), "RASA_CACHE_DIRECTORY": str(work / "empty-rasa-cache")}
    started = time.monotonic()
    log = (work / "cold-train.log").open("w")
    try:
        subprocess.run(
            [
                rasa_executable(),
                "train",
                "--out",
                str(work / "models"),
                "--fixed-model-name",
                "cold",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    finally:
        log.close()
    return round(time.monotonic() - started, 1)


def make_run_to_ready_seconds() -> float:
    """Wall time from `make run` (cached model and environment) to its ready line."""
    env = {
        **os.environ,
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "DATABASE_URL": f"sqlite:///{tempfile.mkdtemp()}/ready.db",
    }
    started = time.monotonic()
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    ready_at: list[float] = []

    def read() -> None:
        for line in process.stdout:
            if line.startswith("Lantern is ready"):
                ready_at.append(time.monotonic())
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(300)
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    return round(ready_at[0] - started, 1) if ready_at else float("nan")


def _table(report: dict[str, Any]) -> str:
    lines = [f"{'':28s} {'Lantern':>12s} {'rasa init':>12s} {'Lantern x2':>12s}"]
    lantern, reference = report["lantern"], report["reference"]
    doubled = report["lantern_2_workers"]
    lines.append(
        f"{'/model/parse p50 / p95 ms':28s} "
        f"{lantern['parse']['p50_ms']:>5} /{lantern['parse']['p95_ms']:>5} "
        f"{reference['parse']['p50_ms']:>5} /{reference['parse']['p95_ms']:>5}"
    )
    for mine, theirs, two in zip(lantern["rest"], reference["rest"], doubled["rest"]):
        n = mine["conversations"]
        for key in ("p50_ms", "p95_ms", "p99_ms", "messages_per_s"):
            label = f"REST {n:>2} conv. {key}"
            lines.append(f"{label:28s} {mine[key]:>12} {theirs[key]:>12} {two[key]:>12}")
    lines.append(
        f"{'Rasa server peak memory MB':28s} {lantern['rasa_peak_memory_mb']:>12} "
        f"{reference['rasa_peak_memory_mb']:>12} {doubled['rasa_peak_memory_mb']:>12}"
    )
    huge = lantern["oversize"]
    lines.append(
        f"10 MB REST body: {huge['huge_body_status']} in {huge['huge_body_answer_s']} s, Rasa "
        f"memory {huge['rasa_rss_before_mb']} -> {huge['rasa_rss_after_mb']} MB; a message at "
        f"the limit: REST {huge['message_at_limit_rest_ms']} ms, parse "
        f"{huge['message_at_limit_parse_ms']} ms"
    )
    lines.append(
        f"cold training {report['cold_training_s']} s; "
        f"make run to ready (cached model) {report['make_run_to_ready_s']} s"
    )
    return "\n".join(lines)


def main() -> int:
    """Measure everything and write the report."""
    model = ensure_model()
    with tempfile.TemporaryDirectory(prefix="lantern-bench-") as folder:
        work = Path(folder)
        report: dict[str, Any] = {
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "turns_per_conversation": TURNS_PER_CONVERSATION,
        }
        print("bench: Lantern serving ...", flush=True)
        report["lantern"] = measure_lantern(model, work)
        print("bench: Lantern with 2 Rasa workers and Redis locks ...", flush=True)
        report["lantern_2_workers"] = measure_lantern(model, work, workers=2)
        print("bench: reference rasa init bot ...", flush=True)
        report["reference"] = measure_reference(work)
        print("bench: make run to ready ...", flush=True)
        report["make_run_to_ready_s"] = make_run_to_ready_seconds()
        print("bench: cold training ...", flush=True)
        report["cold_training_s"] = cold_training_seconds(work)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(_table(report))
    print(f"bench: written to {REPORT.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

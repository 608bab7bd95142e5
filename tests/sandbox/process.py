"""The sandbox in its own process, for tests with real worker processes and for benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from sandbox.control import SandboxControl

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SandboxProcess:
    """`with SandboxProcess(latency_ms=50) as sandbox: sandbox.url, sandbox.control …`

    Knobs given here become the server's defaults (they survive `/_sandbox/reset`).
    """

    def __init__(self, *, port: int | None = None, state_file: str | None = None, **knobs):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.state_file = state_file
        self.knobs = knobs
        self.proc: subprocess.Popen | None = None
        self.control = SandboxControl(self.url)

    def start(self, timeout: float = 15.0) -> SandboxProcess:
        env = dict(os.environ)
        env.update({f"SANDBOX_{k.upper()}": ",".join(map(str, v)) if isinstance(v, list)
                    else str(v) for k, v in self.knobs.items()})
        cmd = [sys.executable, "-m", "sandbox", "--port", str(self.port)]
        if self.state_file:
            cmd += ["--state-file", self.state_file]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while not self.control.alive():
            if self.proc.poll() is not None:
                raise RuntimeError(f"the sandbox exited with {self.proc.returncode}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the sandbox did not answer on {self.url}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

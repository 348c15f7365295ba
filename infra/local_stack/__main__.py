"""`python -m local_stack`: the whole application on this machine, against moto (see runner.py).

Exit codes: 0 after Ctrl-C / SIGTERM, 2 when a port is busy (the message names the flag and the
environment variable to choose another), 1 when the stack cannot start for another reason.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from local_stack.runner import Config, LocalStack, PortBusyError
from local_stack.runtime import DEFAULT_CONCURRENCY
from local_stack.template import TEMPLATE_PATH

DEFAULT_DEMO_SCALE = 60.0


def _switch(parser: argparse.ArgumentParser, flag: str, env: str, help: str) -> None:
    """An on/off option, on when given or when `env` is "1"."""
    parser.add_argument(flag, action="store_true", default=os.environ.get(env) == "1", help=help)


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def parse(argv: Sequence[str] | None = None) -> Config:
    parser = argparse.ArgumentParser(
        prog="python -m local_stack",
        description="Run frontdesk locally: moto as AWS, template.yaml provisioned in it, a local API gateway.",
    )
    parser.add_argument("--host", default=os.environ.get("FRONTDESK_HOST", "127.0.0.1"), help="gateway address")
    parser.add_argument(
        "--port", type=int, default=_env_int("FRONTDESK_PORT", 3000), help="gateway port (env FRONTDESK_PORT)"
    )
    parser.add_argument(
        "--moto-port",
        type=int,
        default=_env_int("FRONTDESK_MOTO_PORT", 5000),
        help="moto server port, on 127.0.0.1 (env FRONTDESK_MOTO_PORT)",
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=float(os.environ["FRONTDESK_TIME_SCALE"]) if os.environ.get("FRONTDESK_TIME_SCALE") else None,
        help=f"Step Functions waits pass this many times faster (default {DEFAULT_DEMO_SCALE:g} with the demo, "
        "1 with --no-demo; env FRONTDESK_TIME_SCALE)",
    )
    parser.add_argument("--no-demo", action="store_true", help="no demo site (logins are still created)")
    _switch(
        parser,
        "--throttle",
        "FRONTDESK_THROTTLE",
        "apply the API stage's throttle (429 past its rate and burst, as on AWS; env FRONTDESK_THROTTLE=1)",
    )
    _switch(
        parser,
        "--waf",
        "FRONTDESK_WAF",
        "apply the WAF web ACL's rate rule per IP (403 past PublicRateLimit requests to /public/* "
        "in 5 minutes, as on AWS; env FRONTDESK_WAF=1)",
    )
    parser.add_argument(
        "--manager-mfa",
        choices=("required", "optional"),
        default=os.environ.get("FRONTDESK_MANAGER_MFA", "optional"),
        help="the template's ManagerMfa: 'required' refuses a manager without two-step verification, as "
        "the template's default does on AWS (default optional locally; env FRONTDESK_MANAGER_MFA)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=_env_int("FRONTDESK_CONCURRENCY", DEFAULT_CONCURRENCY),
        help=f"invocations of one function at once, each in its own container (default {DEFAULT_CONCURRENCY}; "
        "env FRONTDESK_CONCURRENCY)",
    )
    _switch(
        parser,
        "--moto-over-http",
        "FRONTDESK_MOTO_OVER_HTTP",
        "send the stack's own AWS calls to moto over its socket instead of handing them to it in this "
        "process (for comparison; env FRONTDESK_MOTO_OVER_HTTP=1)",
    )
    _switch(
        parser,
        "--gc-as-released",
        "FRONTDESK_GC_AS_RELEASED",
        "leave Python's garbage collector as released: every full collection scans the whole heap, "
        "moto's tables included (for comparison; env FRONTDESK_GC_AS_RELEASED=1)",
    )
    parser.add_argument("--template", type=Path, default=TEMPLATE_PATH, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    scale = args.time_scale if args.time_scale is not None else (1.0 if args.no_demo else DEFAULT_DEMO_SCALE)
    if scale <= 0:
        parser.error("--time-scale must be positive")
    if args.concurrency < 1:
        parser.error("--concurrency must be at least 1")
    return Config(
        host=args.host,
        port=args.port,
        moto_port=args.moto_port,
        time_scale=scale,
        demo=not args.no_demo,
        template_path=args.template.resolve(),
        throttle=args.throttle,
        waf=args.waf,
        manager_mfa=args.manager_mfa,
        concurrency=args.concurrency,
        moto_in_process=not args.moto_over_http,
        freeze_survivors=not args.gc_as_released,
    )


def main(argv: Sequence[str] | None = None) -> int:
    config = parse(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("botocore", "boto3", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # powertools warns on every request that flushes no metrics; locally that says nothing
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    stop = threading.Event()
    signals = 0

    def on_signal(number: int, frame: FrameType | None) -> None:
        nonlocal signals
        signals += 1
        if signals > 1:
            print("local stack: stopping now (second signal)", file=sys.stderr, flush=True)
            os._exit(130)
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    stack = LocalStack(config)
    try:
        stack.start()
    except PortBusyError as error:
        print(f"local stack: {error}", file=sys.stderr, flush=True)
        stack.stop()
        return 2
    except Exception:
        logging.getLogger("local_stack").exception("local stack: could not start")
        stack.stop()
        return 1
    print(stack.banner(), flush=True)
    while not stop.wait(0.5):
        pass
    print("local stack: stopping ...", file=sys.stderr, flush=True)
    stack.stop()
    print("local stack: stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Python baseline for the loopback benchmark: aiohttp + the platform's MD5 signature.

Sends fixed numbers of signed GET /open/product/get requests at each
concurrency and parses each JSON body, like the SDK does. Prints one JSON
object per concurrency on stdout:

    {"client": "python", "concurrency": 64, "requests": 2000, "errors": 0,
     "secs": 1.23, "rps": 1626.0, "p50_us": 38000.0, "p99_us": 51000.0}

Run by tools/src/bin/loopback_bench.rs; by hand:

    .venv-bench/bin/python scripts/bench_python.py --url http://127.0.0.1:PORT/open/product/get?itemId=672991141190 \
        --key K --secret S --user-id U --requests 2000 --concurrency 1,16,64
"""
import argparse
import asyncio
import hashlib
import json
import secrets
import string
import sys
import time

import aiohttp

ALPHABET = string.ascii_letters + string.digits


def signed_headers(key: str, secret: str, user_id: str) -> dict:
    ts = str(int(time.time() * 1000))
    nonce = "".join(secrets.choice(ALPHABET) for _ in range(32))
    sig = hashlib.md5((key + ts + nonce + secret).encode()).hexdigest().upper()
    return {
        "access-key": key,
        "timestamp": ts,
        "nonce-str": nonce,
        "user-id": user_id,
        "signature": sig,
    }


async def one_cell(session, args, concurrency: int, total: int) -> dict:
    latencies = []
    errors = 0
    next_index = 0

    async def worker():
        nonlocal next_index, errors
        while next_index < total:
            next_index += 1
            start = time.perf_counter()
            try:
                async with session.get(
                    args.url, headers=signed_headers(args.key, args.secret, args.user_id)
                ) as resp:
                    body = await resp.read()
                env = json.loads(body)
                if env.get("code") != 200 or not env.get("data"):
                    errors += 1
            except Exception:  # noqa: BLE001 - a benchmark counts failures
                errors += 1
            latencies.append(time.perf_counter() - start)

    started = time.perf_counter()
    cpu0 = time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    secs = time.perf_counter() - started
    cpu = time.process_time() - cpu0
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1e6

    return {
        "client": "python",
        "concurrency": concurrency,
        "requests": total,
        "errors": errors,
        "secs": secs,
        "rps": total / secs,
        "p50_us": pct(0.50),
        "p99_us": pct(0.99),
        "cpu_us_per_req": cpu * 1e6 / total,
    }


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--user-id", required=True)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--concurrency", default="1,16,64")
    args = ap.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    connector = aiohttp.TCPConnector(limit=max(levels))
    async with aiohttp.ClientSession(connector=connector) as session:
        for c in levels:
            await one_cell(session, args, c, min(args.warmup, args.requests))
            print(json.dumps(await one_cell(session, args, c, args.requests)), flush=True)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

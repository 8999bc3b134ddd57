"""Benchmark: bundle_image against the shell pipelines it replaces, on one file.

Beside euca2ools 1.x's `tar | gzip | openssl enc -aes-128-cbc | split`, the same with
`tee >(sha1sum)` (euca2ools digests the stream on the way, as bundle_image does), and
with Debian's `pigz -p N` for gzip (N = bundle_image's deflate threads): the fair
comparison for a multi-threaded bundle. The ratio's target is against the fastest
pipeline that digests (pigz when installed, else gzip).

    python bench/bench_bundle.py                 # 1 GiB of disk-image-like data
    python bench/bench_bundle.py --size 256 --data random --repeat 3

Prints throughput (MB/s of image), the ratio to the shell pipeline (target
>= 0.80) and the bundling process's peak RSS (VmHWM, target < 100 MB). Our
bundle runs in a child process so its peak memory is its own. The file is
read once before timing so both sides start from a warm page cache.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MB = 1 << 20
PART_SIZE = 10485760
TARGET_RATIO = 0.80
TARGET_RSS_MB = 100


def make_image(path: Path, size_mb: int, kind: str) -> None:
    """Write ``size_mb`` MiB: ``mixed`` looks like a disk image (zeros, text, binary, random)."""
    rng = random.Random(20240601)
    words = [bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz_/.") for _ in range(rng.randint(2, 12)))
             for _ in range(4000)]
    with open(path, "wb") as out:
        for _ in range(size_mb):
            if kind == "zeros":
                block = bytes(MB)
            elif kind == "random":
                block = os.urandom(MB)
            else:
                pick = rng.random()
                if pick < 0.25:
                    block = bytes(MB)
                elif pick < 0.55:  # text: config files, logs, sources
                    block = b" ".join(rng.choices(words, k=MB // 6))[:MB].ljust(MB, b"\n")
                elif pick < 0.70:  # binary with structure: small alphabet, compresses ~2x
                    block = bytes(rng.choices(range(16), k=MB // 4)) * 4
                    block = os.urandom(MB // 2) + block[: MB // 2]
                else:  # already-compressed files, encrypted swap: incompressible
                    block = os.urandom(MB)
            out.write(block)


def warm(path: Path) -> None:
    with open(path, "rb", buffering=0) as src:
        while src.read(8 * MB):
            pass


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_tee_pipeline(image: Path, outdir: Path, gzip: list[str]) -> tuple[float, float]:
    """tar | GZIP | tee >(sha1sum) | openssl enc | split in bash, as euca2ools digests the
    stream (bash for the process substitution; every word quoted). (wall s, CPU s)."""
    import shlex

    key, iv = os.urandom(16).hex(), os.urandom(16).hex()
    q = shlex.quote
    line = (f"tar -cf - -C {q(str(image.parent))} {q(image.name)} | {' '.join(map(q, gzip))} "
            f"| tee >(sha1sum > {q(str(outdir / 'digest'))}) "
            f"| openssl enc -e -aes-128-cbc -K {key} -iv {iv} "
            f"| split -b {PART_SIZE} -d -a 2 - {q(str(outdir / (image.name + '.part.')))}; "
            "s=(\"${PIPESTATUS[@]}\"); wait; [ \"${s[*]}\" = '0 0 0 0 0' ]")
    cpu = _children_cpu()
    start = time.perf_counter()
    code = subprocess.run(["bash", "-c", line], check=False).returncode
    elapsed = time.perf_counter() - start
    if code or not (outdir / "digest").stat().st_size:
        raise SystemExit(f"shell pipeline with {gzip[0]} and tee failed (exit {code})")
    (outdir / "digest").unlink()
    return elapsed, _children_cpu() - cpu


def run_shell_pipeline(image: Path, outdir: Path) -> tuple[float, float]:
    """tar | gzip | openssl enc | split, as euca2ools 1.x ran it; argv lists, no shell.

    Returns (wall seconds, CPU seconds of the four processes)."""
    key, iv = os.urandom(16).hex(), os.urandom(16).hex()
    cpu = _children_cpu()
    start = time.perf_counter()
    tar = subprocess.Popen(["tar", "-cf", "-", "-C", str(image.parent), image.name],
                           stdout=subprocess.PIPE)
    gz = subprocess.Popen(["gzip", "-c"], stdin=tar.stdout, stdout=subprocess.PIPE)
    tar.stdout.close()
    enc = subprocess.Popen(["openssl", "enc", "-e", "-aes-128-cbc", "-K", key, "-iv", iv],
                           stdin=gz.stdout, stdout=subprocess.PIPE)
    gz.stdout.close()
    split = subprocess.Popen(["split", "-b", str(PART_SIZE), "-d", "-a", "2", "-",
                              str(outdir / f"{image.name}.part.")], stdin=enc.stdout)
    enc.stdout.close()
    codes = [p.wait() for p in (split, enc, gz, tar)]
    elapsed = time.perf_counter() - start
    if any(codes):
        raise SystemExit(f"shell pipeline failed: exit codes {codes}")
    return elapsed, _children_cpu() - cpu


def child(args: argparse.Namespace) -> None:
    """Runs in the child: bundle once, print timing and VmHWM as JSON."""
    from cloudshell.cloud.bundle import bundle_image

    creds = Path(args.creds)
    start = time.perf_counter()
    cpu = time.process_time()  # all threads of this process
    result = bundle_image(args.image, args.out, None, "x86_64", creds / "user-cert.pem",
                          creds / "user-pk.pem", creds / "cloud-cert.pem", "000000000000",
                          workers=args.workers, compress_level=args.level)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    hwm_kb = 0
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                hwm_kb = int(line.split()[1])
    print(json.dumps({"elapsed": elapsed, "cpu": cpu, "hwm_kb": hwm_kb, "parts": len(result.part_paths),
                      "bundled_size": result.bundled_size}))


def run_ours(image: Path, outdir: Path, creds: Path, workers: int | None, level: int) -> dict:
    cmd = [sys.executable, __file__, "--child", "--image", str(image), "--out", str(outdir),
           "--creds", str(creds), "--level", str(level)]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"bundle child failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1024, help="image size in MiB (default 1024)")
    parser.add_argument("--data", choices=("mixed", "random", "zeros"), default="mixed")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each side; best is kept")
    parser.add_argument("--workers", type=int, default=None, help="deflate threads (default: CPUs)")
    parser.add_argument("--level", type=int, default=6, help="gzip level (default 6, gzip's)")
    parser.add_argument("--dir", default=None, help="work folder (default: a temporary one)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--image", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--creds", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from cloudshell.cloud.bundle import make_demo_credentials

    work = Path(tempfile.mkdtemp(prefix="bench-bundle-", dir=args.dir))
    try:
        image = work / "image.raw"
        print(f"writing a {args.size} MiB {args.data} image in {work} ...", flush=True)
        make_image(image, args.size, args.data)
        creds = work / "creds"
        make_demo_credentials(creds)
        warm(image)
        size_mb = image.stat().st_size / 1e6

        threads = args.workers or os.cpu_count() or 1
        pipelines = {"tar|gzip|openssl|split": lambda out: run_shell_pipeline(image, out),
                     "tar|gzip|tee >(sha1sum)|openssl|split": lambda out: run_tee_pipeline(
                         image, out, ["gzip", "-c", f"-{args.level}"])}
        pigz = shutil.which("pigz")
        if pigz:
            pipelines[f"tar|pigz -p {threads}|tee >(sha1sum)|…"] = lambda out: run_tee_pipeline(
                image, out, [pigz, "-c", f"-{args.level}", "-p", str(threads)])
        best: dict[str, tuple[float, float, int]] = {}
        best_ours = None
        for _ in range(args.repeat):
            for name, run in pipelines.items():
                out = work / "shell"
                out.mkdir()
                t, cpu_run = run(out)
                out_bytes = sum(p.stat().st_size for p in out.iterdir())
                shutil.rmtree(out)
                if name not in best or t < best[name][0]:
                    best[name] = (t, cpu_run, out_bytes)

            out = work / "ours"
            ours = run_ours(image, out, creds, args.workers, args.level)
            shutil.rmtree(out)
            if best_ours is None or ours["elapsed"] < best_ours["elapsed"]:
                best_ours = ours

        fair = list(best)[-1]          # the pigz one when installed, else gzip with tee
        shell_mbs = size_mb / best[fair][0]
        ours_mbs = size_mb / best_ours["elapsed"]
        ratio = ours_mbs / shell_mbs
        rss_mb = best_ours["hwm_kb"] / 1024
        print(f"image: {args.size} MiB ({args.data}), {os.cpu_count()} CPUs, gzip level {args.level}, "
              f"workers {args.workers if args.workers is not None else 'auto'}, "
              f"load average {os.getloadavg()[0]:.1f} (other work on the machine skews wall times)")
        if not pigz:
            print("pigz is not installed (Debian: apt-get install pigz): no multi-threaded pipeline to compare; "
                  "the ratio is against gzip with tee >(sha1sum)")
        print(f"{'measure':<40}{'value':>14}  target")
        for name, (t, cpu_used, out_bytes) in best.items():
            print(f"{name:<40}{size_mb / t:>10.1f} MB/s  ({t:.2f} s wall, {cpu_used:.2f} s CPU, "
                  f"{out_bytes / 1e6:.1f} MB out)")
        print(f"{'cloudshell bundle_image':<40}{ours_mbs:>10.1f} MB/s  "
              f"({best_ours['elapsed']:.2f} s wall, {best_ours['cpu']:.2f} s CPU, "
              f"{best_ours['bundled_size'] / 1e6:.1f} MB out, "
              f"{best_ours['parts']} parts)")
        print(f"{'throughput ratio to ' + fair:<40}{ratio:>14.2f}  >= {TARGET_RATIO:.2f}  "
              f"{'ok' if ratio >= TARGET_RATIO else 'MISSED'}")
        print(f"{'peak RSS of the bundling process':<40}{rss_mb:>11.1f} MB  < {TARGET_RSS_MB} MB  "
              f"{'ok' if rss_mb < TARGET_RSS_MB else 'MISSED'}")
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from report import figure

        figure(f"bundle-image throughput ({args.size} MiB)", round(ours_mbs, 1), "MB/s",
               f"≥ {TARGET_RATIO:.2f}× shell", ratio >= TARGET_RATIO, f"{fair}: {shell_mbs:.1f} MB/s")
        for name, (t, _cpu, _bytes) in best.items():
            figure(f"shell {name}", round(size_mb / t, 1), "MB/s", "(shown)", None)
        figure(f"bundle throughput ratio to {'pigz' if pigz else 'gzip'}+tee pipeline", round(ratio, 2), "ratio",
               f"≥ {TARGET_RATIO:.2f}", ratio >= TARGET_RATIO, f"load {os.getloadavg()[0]:.1f}")
        figure("bundle peak RSS", round(rss_mb, 1), "MB", f"< {TARGET_RSS_MB} MB", rss_mb < TARGET_RSS_MB)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

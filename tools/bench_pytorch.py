#!/usr/bin/python3
"""The workloads of `striate bench`, in PyTorch, with the same JSON keys, for tools/compare.sh.

Usage (Debian: apt-get install python3-torch libopenblas0-pthread), from the repository root:
    /usr/bin/python3 tools/bench_pytorch.py                       # both models, 1 and 2 threads
    /usr/bin/python3 tools/bench_pytorch.py --models lenet5 --threads 2 --workloads train --seconds 5
    /usr/bin/python3 tools/bench_pytorch.py --json pytorch.json

Same models (PyTorch's natural NCHW layout and flatten order, PyTorch's default initialisation), same batches
(training 128, inference 256, latency 1), same optimizer (Adam lr 1e-3, eps 1e-7 as Keras and Striate), same
images (the first 2,048 MNIST training images from the Striate cache, else synthetic ones of the same shape).
Each workload runs in a fresh Python process, so the peak RSS (getrusage ru_maxrss) is its own. The child sets
OMP_NUM_THREADS, MKL_NUM_THREADS and OPENBLAS_NUM_THREADS to the thread count before torch loads, then
torch.set_num_threads, and checks what torch and OpenBLAS report: torch.set_num_threads alone leaves OpenBLAS's
own thread pool at every core. It also unsets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (the machine's safety
settings for old OpenBLAS builds), so OpenBLAS picks its kernel for this CPU; --keep-openblas-env keeps them.

Timed, op by op with perf_counter_ns after a warm-up: training = zero_grad, forward, cross-entropy (log-softmax
fused, as Striate fuses its final softmax into the loss), backward, Adam step, loss.item(); inference = forward
under torch.no_grad() in eval mode (mnist-convnet also applies its final softmax, as Striate's model does);
latency = the same for one image. Not timed: reading the data and slicing the batches (views made before the
warm-up). Never needed by the tests.
"""
import argparse
import gzip
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time

PREFIX = "bench-result "
POOL = 2048
LATENCY_IMAGES = 64
BATCH = {"train": 128, "infer": 256, "latency": 1}
MODELS = ["mnist-convnet", "lenet5"]
SEED = 42


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", default="mnist-convnet,lenet5")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--workloads", default="train,infer,latency")
    p.add_argument("--warmup-seconds", type=float, default=5.0)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--data", default="auto", help="auto | synthetic | DIR (default: auto)")
    p.add_argument("--json", help="also write the results as JSON")
    p.add_argument("--keep-openblas-env", action="store_true",
                   help="keep OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE as the environment sets them")
    p.add_argument("--child", nargs=6, metavar=("MODEL", "WORKLOAD", "THREADS", "WARMUP", "SECONDS", "DATA"),
                   help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        return args
    args.models = args.models.split(",")
    args.workloads = args.workloads.split(",")
    try:
        args.threads = [int(t) for t in args.threads.split(",")]
    except ValueError:
        p.error(f"--threads must be integers such as 1,2, got '{args.threads}'")
    for m in args.models:
        if m not in MODELS:
            p.error(f"--models must name built-in models {MODELS}, got '{m}'")
    for w in args.workloads:
        if w not in BATCH:
            p.error(f"--workloads must be among {list(BATCH)}, got '{w}'")
    if min(args.threads) < 1:
        p.error(f"--threads must be at least 1, got {min(args.threads)}")
    if not 0 <= args.warmup_seconds <= 3600:
        p.error(f"--warmup-seconds must be in [0, 3600], got {args.warmup_seconds}")
    if not 0 < args.seconds <= 3600:
        p.error(f"--seconds must be in (0, 3600], got {args.seconds}")
    if args.data not in ("auto", "synthetic") and not os.path.isdir(args.data):
        p.error(f"--data must be 'auto', 'synthetic' or a directory with the MNIST training files, got '{args.data}'")
    return args


def resolve_data(spec):
    """A directory holding the MNIST training files, or 'synthetic'."""
    if spec == "synthetic":
        return spec
    if spec == "auto":
        cache = os.environ.get("STRIATE_CACHE") or os.path.expanduser("~/.cache/striate")
        d = os.path.join(cache, "mnist")
        have = all(os.path.isfile(os.path.join(d, n)) or os.path.isfile(os.path.join(d, n + ".gz"))
                   for n in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"))
        return d if have else "synthetic"
    return spec


def read_prefix(directory, name, magic, item_bytes, count):
    path = os.path.join(directory, name)
    opener = open if os.path.isfile(path) else gzip.open
    path = path if os.path.isfile(path) else path + ".gz"
    with opener(path, "rb") as f:
        header = f.read(8 if magic == 2049 else 16)
        if int.from_bytes(header[0:4], "big") != magic:
            raise SystemExit(f"benchmark data: {path} is not an MNIST IDX file")
        n = min(count, int.from_bytes(header[4:8], "big"))
        body = f.read(n * item_bytes)
        if len(body) != n * item_bytes:
            raise SystemExit(f"benchmark data: {path} is shorter than its header says")
        return body, n


def load_pool(torch, data):
    """(images (N, 1, 28, 28) in [0, 1], labels (N,)): the first POOL MNIST training images, or synthetic."""
    if data == "synthetic":
        g = torch.Generator().manual_seed(1)
        return torch.rand(POOL, 1, 28, 28, generator=g), torch.randint(0, 10, (POOL,), generator=g)
    images, n = read_prefix(data, "train-images-idx3-ubyte", 2051, 784, POOL)
    labels, _ = read_prefix(data, "train-labels-idx1-ubyte", 2049, 1, n)
    x = torch.frombuffer(bytearray(images), dtype=torch.uint8).reshape(n, 1, 28, 28).float() / 255
    y = torch.frombuffer(bytearray(labels), dtype=torch.uint8).long()
    return x, y


def build(nn, name):
    """(model, whether inference ends with softmax): Striate's built-in architectures, NCHW."""
    if name == "mnist-convnet":
        return nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Dropout(0.5), nn.Linear(1600, 10)), True
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)), False


def batches(x, y, batch, count):
    """count (images, labels) slices of the pool, wrapping around; contiguous views when they do not wrap."""
    out = []
    for i in range(count):
        idx = [(i * batch + j) % len(x) for j in range(batch)]
        if idx == list(range(idx[0], idx[0] + batch)):
            out.append((x[idx[0]:idx[0] + batch], y[idx[0]:idx[0] + batch]))
        else:
            out.append((x[idx].contiguous(), y[idx]))
    return out


def measure(op, warmup_seconds, seconds):
    """Runs op until warmup_seconds have passed, then times it op by op for seconds; at least one op each.

    Returns the op durations (ns), the wall time of the measured ops and the processor time of the whole process
    (all threads) meanwhile."""
    i = 0
    end = time.perf_counter_ns() + int(warmup_seconds * 1e9)
    while True:
        op(i)
        i += 1
        if time.perf_counter_ns() >= end:
            break
    nanos = []
    cpu_start = time.process_time()
    start = last = time.perf_counter_ns()
    stop = start + int(seconds * 1e9)
    while True:
        op(i)
        i += 1
        now = time.perf_counter_ns()
        nanos.append(now - last)
        last = now
        if last >= stop:
            break
    return nanos, (last - start) / 1e9, time.process_time() - cpu_start


def percentile_ms(nanos, q):
    """Nearest rank, as striate bench."""
    s = sorted(nanos)
    return s[max(0, math.ceil(q * len(s)) - 1)] / 1e6


def openblas():
    """OpenBLAS's (core name, thread count), or (None, None) if it cannot be asked."""
    import ctypes
    try:
        lib = ctypes.CDLL("libopenblas.so.0")
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return lib.openblas_get_corename().decode(), lib.openblas_get_num_threads()
    except (OSError, AttributeError):
        return None, None


def child(model_name, workload, threads, warmup_seconds, seconds, data):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(threads)
    core, blas_threads = openblas()
    if torch.get_num_threads() != threads or blas_threads not in (None, threads):
        raise SystemExit(f"asked for {threads} threads, torch uses {torch.get_num_threads()}, OpenBLAS {blas_threads}")
    torch.manual_seed(SEED)
    x, y = load_pool(torch, data)
    model, final_softmax = build(nn, model_name)
    batch = BATCH[workload]
    if workload == "train":
        model.train()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        pool = batches(x, y, batch, POOL // batch)

        def op(i):
            xb, yb = pool[i % len(pool)]
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            loss.item()
    else:
        model.eval()
        pool = batches(x, y, batch, POOL // batch if workload == "infer" else LATENCY_IMAGES)

        def op(i):
            with torch.no_grad():
                out = model(pool[i % len(pool)][0])
                if final_softmax:
                    out = out.softmax(1)

    del x, y
    nanos, elapsed, cpu = measure(op, warmup_seconds, seconds)
    backend = f"torch {torch.__version__}" + (f", OpenBLAS {core}" if core else "")
    result = {
        "model": model_name, "workload": workload, "threads": threads, "batch": batch, "backend": backend,
        "threads_in_use": torch.get_num_threads(), "ops": len(nanos), "measured_seconds": elapsed,
        "images_per_second": len(nanos) * batch / elapsed, "op_ms_median": percentile_ms(nanos, 0.5),
        "op_ms_p90": percentile_ms(nanos, 0.9), "cpu_utilisation": cpu / elapsed,
        # the JVM's heap allocation counters have no PyTorch counterpart
        "allocated_kib_per_op": None,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(PREFIX + json.dumps(result), flush=True)


def child_env(threads, keep_openblas_env):
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[var] = str(threads)
    if not keep_openblas_env:
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    return env


def run_child(args, model, workload, threads, data):
    command = [sys.executable, os.path.abspath(__file__), "--child", model, workload, str(threads),
               str(args.warmup_seconds), str(args.seconds), data]
    done = subprocess.run(command, env=child_env(threads, args.keep_openblas_env), capture_output=True, text=True,
                          timeout=args.warmup_seconds + args.seconds + 300)
    for line in done.stdout.splitlines():
        if done.returncode == 0 and line.startswith(PREFIX):
            return json.loads(line[len(PREFIX):])
    raise SystemExit(f"bench_pytorch: the child for {model} {workload} on {threads} threads failed "
                     f"(exit {done.returncode}): {done.stderr.strip()[-2000:]}")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def describe(r):
    if r["workload"] == "latency":
        return f"median {r['op_ms_median'] * 1000:,.0f} us, p90 {r['op_ms_p90'] * 1000:,.0f} us"
    return f"{r['images_per_second']:,.0f} images/s"


def row(*cells):
    return "%-14s %-18s %-7s %-36s %-28s %-10s %s" % cells


def main(argv):
    args = parse_args(argv)
    if args.child:
        m, w, t, warm, secs, data = args.child
        child(m, w, int(t), float(warm), float(secs), data)
        return
    import torch
    data = resolve_data(args.data)
    plan = [(m, w, t) for m in args.models for w in args.workloads for t in args.threads]
    load_before = os.getloadavg()[0]
    machine = {
        "cpu": cpu_model(), "cores": os.cpu_count(), "os": f"{platform.system()} {platform.release()}",
        "runtime": f"PyTorch {torch.__version__}, Python {platform.python_version()}",
        "runtime_options": [f"OMP_NUM_THREADS=MKL_NUM_THREADS=OPENBLAS_NUM_THREADS=torch.set_num_threads=threads",
                            "OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE "
                            + ("kept: " + os.environ.get("OPENBLAS_CORETYPE", "unset") if args.keep_openblas_env
                               else "unset")],
        "load_average_before": load_before,
    }
    print(f"PyTorch benchmark: {len(plan)} workload{'' if len(plan) == 1 else 's'}, each in a fresh process: "
          f"{args.warmup_seconds:g} s warm-up, {args.seconds:g} s measured")
    print("data: " + ("synthetic 28x28x1 images (uniform pixels), 2,048 of them" if data == "synthetic"
                      else f"MNIST, the first 2,048 training images, from {data}"))
    print(f"machine: {machine['cpu']}, {machine['cores']} cores; {machine['runtime']}; load average {load_before:.2f}")
    print(row("model", "workload", "threads", "backend", "result", "cores busy", "peak RSS"), flush=True)
    results = []
    for m, w, t in plan:
        r = run_child(args, m, w, t, data)
        results.append(r)
        print(row(m, f"{w}, batch {r['batch']}", str(t), r["backend"], describe(r), f"{r['cpu_utilisation']:.2f}",
                  f"{r['peak_rss_mib']:.0f} MiB"), flush=True)
    machine["load_average_after"] = os.getloadavg()[0]
    print(f"load average after: {machine['load_average_after']:.2f}")
    if args.json:
        doc = {"tool": "pytorch", "machine": machine,
               "settings": {"data": "synthetic" if data == "synthetic" else "mnist", "data_images": POOL,
                            "warmup_seconds": args.warmup_seconds, "seconds": args.seconds,
                            "optimizer": "adam lr 0.001"},
               "results": results}
        tmp = args.json + ".tmp"
        with open(tmp, "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
        os.replace(tmp, args.json)
        print(f"Wrote the results to {args.json}")


if __name__ == "__main__":
    main(sys.argv[1:])

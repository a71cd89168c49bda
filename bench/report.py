"""Turning a run's figures into BENCHMARKS.md tables and a PNG plot against corpus size."""

from __future__ import annotations

import os
from pathlib import Path

BEGIN, END = "<!-- bench:begin (written by python -m bench; edit outside these markers) -->", "<!-- bench:end -->"


def _rel(path: Path, start: Path) -> str:
    return os.path.relpath(path.resolve(), start.resolve())


def targets_text(results: dict) -> str:
    def line(t: dict) -> str:
        if t["met"] is None:
            return f"{t['target']}: not measured"
        mark = "met" if t["met"] else "NOT met"
        return f"{t['target']}: {t['measured']} {t['unit']} (target {t['limit']} {t['unit']}) {mark}".replace("  ", " ")

    return "\n".join(line(t) for t in results["targets"])


ENGINES = (
    ("library", "Sourcecheck (whoosh, FieldBM25, snippets)"),
    ("fts5", "SQLite FTS5 (bm25, highlight)"),
    ("tantivy", "tantivy (BM25, snippets)"),
)


def ranking_table(results: dict) -> list[str]:
    """Markdown lines: each engine's nDCG@10 (all judged queries, the tuning half, the held-out half) and its
    latency, at each corpus size of the run."""
    lines = [
        "| Passages | Engine | nDCG@10 | tuning half / held-out half | p50 ms | p95 ms |",
        "|---:|---|---:|---|---:|---:|",
    ]
    for size in results["sizes"]:
        q = size["query"]
        for key, name in ENGINES:
            e = q.get(key)
            if e is None:
                continue
            split = f"{e.get('ndcg@10_tuning')} / {e.get('ndcg@10_held_out')}"
            best = max(q[k]["ndcg@10"] or 0 for k, _ in ENGINES if k in q)
            ndcg = f"**{e['ndcg@10']}**" if e["ndcg@10"] == best else str(e["ndcg@10"])
            lines.append(
                f"| {size['build']['passages']:,} | {name} | {ndcg} | {split} | {e['p50_ms']} | {e['p95_ms']} |"
            )
    return lines


def ranking_text(results: dict) -> str:
    """The ranking table as printed at the end of a run."""
    q = results["sizes"][0]["query"]
    judged = f"{q['library']['queries']} judged queries ({q['library'].get('tuning_queries')} in the tuning half)"
    return f"Ranking and latency, {judged}, same passages, same run:\n" + "\n".join(ranking_table(results))


def tables(results: dict, json_path: str, plot_path: str) -> str:
    m = results["machine"]
    lines = [
        f"Command: `{results['command']}`  ",
        f"Run: {results['started']} to {results['finished']}; {m['cpus']} CPUs, Python {m['python']}, "
        f"whoosh-reloaded {m['whoosh']}, SQLite {m['sqlite']}; load average at start {m['load_average']}.  ",
        f"Raw figures: [{json_path}]({json_path}); plot: [{plot_path}]({plot_path}).",
        "",
        "**Targets** (at the largest corpus of the run)",
        "",
        "| Target | Measured | Limit | Met |",
        "|---|---:|---:|:---:|",
    ]
    mark = {True: "yes", False: "**no**", None: "not measured"}
    for t in results["targets"]:
        measured, limit = f"{t['measured']} {t['unit']}".strip(), f"{t['limit']} {t['unit']}".strip()
        lines.append(f"| {t['target']} | {measured} | {limit} | {mark[t['met']]} |")
    lines += [
        "",
        "**Build** (read, clean, split, check, index; from nothing, no reuse)",
        "",
        "| Documents | Passages | Sentences | Seconds | Passages/s | Index MB | Store MB | Peak RSS sum MB | "
        "Largest process MB | Load before |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for s in results["sizes"]:
        b = s["build"]
        lines.append(
            f"| {b['documents']:,} | {b['passages']:,} | {b['sentences']:,} | {b['seconds']} | "
            f"{b['passages_per_s']:,} | "
            f"{b['index_mb']} | {b['store_mb']} | {b['peak_rss_total_mb']} | {b['peak_rss_largest_mb']} | "
            f"{s['load_before']} |"
        )
    lines += [
        "",
        "**Ranking** (nDCG@10 on qrels.tsv over the judged queries, documents ranked by their best passage; the "
        "tuning half is the odd-numbered queries, the held-out half the even ones; latency of a results page of "
        "10 with snippets)",
        "",
        *ranking_table(results),
        "",
        "**Queries through the library vs SQLite FTS5 and tantivy** (200 queries x rounds, each timed on the three "
        "engines in turn; top 10 passages)",
        "",
        "| Passages | Ours p50 / p95 / p99 ms | FTS5 p50 / p95 / p99 ms | tantivy p50 / p95 / p99 ms | Ratio to FTS5 "
        "p50 / p95 | nDCG@10 ours / FTS5 / tantivy (queries) | FTS5, tantivy build passages/s | "
        "Library RSS (heap) MB |",
        "|---:|---|---|---|---|---|---|---:|",
    ]
    for s in results["sizes"]:
        q = s["query"]
        o, f = q["library"], q["fts5"]
        t = q.get("tantivy") or {"p50_ms": "-", "p95_ms": "-", "p99_ms": "-", "ndcg@10": "-", "build": {}}
        lines.append(
            f"| {s['build']['passages']:,} | {o['p50_ms']} / {o['p95_ms']} / {o['p99_ms']} | "
            f"{f['p50_ms']} / {f['p95_ms']} / {f['p99_ms']} | {t['p50_ms']} / {t['p95_ms']} / {t['p99_ms']} | "
            f"{q['ratio']['p50']} / {q['ratio']['p95']} | "
            f"{o['ndcg@10']} / {f['ndcg@10']} / {t['ndcg@10']} ({o['queries']}) | "
            f"{f['build']['passages_per_s']:,}, {t['build'].get('passages_per_s', '-'):,} | "
            f"{q['library_rss_mb']} ({q.get('library_anon_mb', '?')}) |"
        )
    http_rows = [(s, h) for s in results["sizes"] for h in s["http"]]
    if http_rows:
        lines += [
            "",
            "**HTTP** (gunicorn, wrk on loopback, queries rotating; the build's claims synced into the reviewer store "
            "before serving, `sourcecheck reviewer sync`, timed apart; a worker's first request timed apart)",
            "",
            "| Passages | Workers | Page | Requests/s | p50 ms | p95 ms | p99 ms | Errors | Worker RSS (heap) MB | "
            "First request s | Claims sync s |",
            "|---:|---:|---|---:|---:|---:|---:|---:|---|---:|---:|",
        ]
        for s, h in http_rows:
            for page in ("api", "html"):
                r = h[page]
                errors = sum(r["errors"].values())
                name = "/api/v1/search" if page == "api" else "/?q= (HTML)"
                lines.append(
                    f"| {s['build']['passages']:,} | {h['workers']} | {name} | {r['requests_per_s']} | {r['p50_ms']} | "
                    f"{r['p95_ms']} | {r['p99_ms']} | {errors} | {_workers_memory(h)} | "
                    f"{h['first_request_s']} | {s.get('claims_sync', {}).get('seconds', '-')} |"
                )
        h = http_rows[0][1]
        lines.append(f"\nwrk: {h['threads']} thread(s), {h['connections']} connections, {h['seconds']} s a run.")
    lines += ["", f"![Latency, memory and index size against corpus size]({plot_path})"]
    return "\n".join(lines)


def _workers_memory(h: dict) -> str:
    anon = h.get("worker_anon_mb") or ["?"] * len(h["worker_rss_mb"])
    return ", ".join(f"{rss} ({heap})" for rss, heap in zip(h["worker_rss_mb"], anon, strict=True))


def update_markdown(results: dict, path: Path, json_path: Path, plot_path: Path) -> None:
    """Replace the part of `path` between the markers (the whole file is created if missing)."""
    body = tables(results, _rel(json_path, path.parent), _rel(plot_path, path.parent))
    block = f"{BEGIN}\n{body}\n{END}"
    text = path.read_text() if path.exists() else "# Benchmarks\n\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)


def plot(results: dict, path: Path) -> None:
    """Three panels against passages: query latency, memory, index size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results["sizes"], key=lambda s: s["build"]["passages"])
    x = [s["build"]["passages"] for s in sizes]
    fig, (lat, mem, disk) = plt.subplots(1, 3, figsize=(15, 4.5))
    for engine, style in (("library", "-"), ("fts5", "--"), ("tantivy", "-.")):
        if not all(engine in s["query"] for s in sizes):
            continue
        for p, marker in (("p50", "o"), ("p95", "s")):
            lat.plot(x, [s["query"][engine][f"{p}_ms"] for s in sizes], style, marker=marker, label=f"{engine} {p}")
    for workers in sorted({h["workers"] for s in sizes for h in s["http"]}):
        points = [
            (s["build"]["passages"], h["api"]["p95_ms"]) for s in sizes for h in s["http"] if h["workers"] == workers
        ]
        lat.plot(*zip(*points, strict=True), ":", marker="^", label=f"HTTP API p95, {workers} worker(s)")
    lat.set(title="Query latency", xlabel="passages", ylabel="ms")
    mem.plot(x, [s["build"]["peak_rss_total_mb"] for s in sizes], marker="o", label="build, peak RSS sum")
    mem.plot(x, [s["query"]["library_rss_mb"] for s in sizes], marker="s", label="library process")
    for workers in sorted({h["workers"] for s in sizes for h in s["http"]}):
        points = [
            (s["build"]["passages"], max(h["worker_rss_mb"]))
            for s in sizes
            for h in s["http"]
            if h["workers"] == workers and h["worker_rss_mb"]
        ]
        mem.plot(*zip(*points, strict=True), marker="^", label=f"web worker, {workers} worker(s)")
    mem.set(title="Memory", xlabel="passages", ylabel="MB")
    disk.plot(x, [s["build"]["index_mb"] for s in sizes], marker="o", label="whoosh index")
    disk.plot(x, [s["build"]["store_mb"] for s in sizes], marker="s", label="document store")
    disk.plot(x, [s["query"]["fts5"]["build"]["db_mb"] for s in sizes], "--", marker="^", label="FTS5 database")
    if all("tantivy" in s["query"] for s in sizes):
        disk.plot(x, [s["query"]["tantivy"]["build"]["index_mb"] for s in sizes], "-.", marker="v", label="tantivy")
    disk.set(title="Size on disk", xlabel="passages", ylabel="MB")
    for ax in (lat, mem, disk):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        ax.set_ylim(bottom=0)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)

"""Turning a run's figures into BENCHMARKS.md tables and a PNG plot against passages (latency, memory, disk)."""

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
    ("postgres", "Sourcecheck on PostgreSQL (full-text search, snippets)"),
    ("fts5", "SQLite FTS5 (bm25, highlight)"),
    ("tantivy", "tantivy (BM25, snippets)"),
)


def corpus_label(size: dict) -> str:
    """ "16,407" or "16,407 x8": a run's documents and how many copies of each."""
    documents = f"{size['build']['documents'] // size.get('copies', 1):,}"
    return documents if size.get("copies", 1) == 1 else f"{documents} x{size['copies']}"


def ranking_table(results: dict) -> list[str]:
    """Markdown lines: each engine's nDCG@10 (all judged queries, the tuning half, the held-out half) and its
    latency, at each corpus size of the run."""
    lines = [
        "| Corpus | Passages | Engine | nDCG@10 | tuning half / held-out half | p50 ms | p95 ms |",
        "|---|---:|---|---:|---|---:|---:|",
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
            if e["ndcg@10"] is None:  # not ranked: too slow for the run's --ndcg-budget
                ndcg, split = "-", f"not measured ({e.get('ndcg_skipped', '')})"
            lines.append(
                f"| {corpus_label(size)} | {size['build']['passages']:,} | {name} | {ndcg} | {split} | "
                f"{e['p50_ms']} | {e['p95_ms']} |"
            )
    return lines


def ranking_text(results: dict) -> str:
    """The ranking table as printed at the end of a run."""
    ranked = [s["query"][k] for s in results["sizes"] for k, _ in ENGINES if "queries" in s["query"].get(k, {})]
    e = ranked[0] if ranked else {"queries": 0}
    judged = f"{e['queries']} judged queries ({e.get('tuning_queries')} in the tuning half)"
    return f"Ranking and latency, {judged}, same passages, same run:\n" + "\n".join(ranking_table(results))


def tables(results: dict, json_path: str, plot_path: str) -> str:
    m, first = results["machine"], results["sizes"][0]["query"]
    lines = [
        f"Command: `{results['command']}`  ",
        f"Run: {results['started']} to {results['finished']}; {m['cpus']} CPUs, Python {m['python']}, "
        f"whoosh-reloaded {m['whoosh']}, SQLite {m['sqlite']}; load average at start {m['load_average']}.  ",
        f"Raw figures: [{json_path}]({json_path}); plot: [{plot_path}]({plot_path}).",
        "",
        "**Targets** (at the largest corpus of the run without copies: the targets are set for MedQuAD itself)",
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
        "**Build** (read, clean, split, check, index; from nothing, no reuse; the whole command under /usr/bin/time: "
        "wall clock, CPU of all its processes, its largest process's peak RSS)",
        "",
        "| Corpus | Documents | Passages | Sentences | Whole process s (CPU s) | Documents/s | Passages/s | "
        "Index MB | Store MB | Peak RSS sum MB | Largest process MB | Load before |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for s in results["sizes"]:
        b = s["build"]
        p = b.get("process") or {"wall_s": b["seconds"], "cpu_s": "-", "maxrss_mb": b["peak_rss_largest_mb"]}
        docs = b.get("documents_per_s_process", b.get("documents_per_s", "-"))
        passages = b.get("passages_per_s_process", b["passages_per_s"])
        lines.append(
            f"| {corpus_label(s)} | {b['documents']:,} | {b['passages']:,} | {b['sentences']:,} | "
            f"{p['wall_s']} ({p['cpu_s']}) | {docs:,} | {passages:,} | {b['index_mb']} | {b['store_mb']} | "
            f"{b['peak_rss_total_mb']} | {p['maxrss_mb']} | {s['load_before']} |"
        )
    lines += [
        "",
        "**Build rate and index size of each engine** (ours: the whole build above, checking included; the "
        "references index the passages of our build, read from its store beforehand, in the benchmark's process: "
        "indexing alone)",
        "",
        *engine_builds_table(results),
        "",
        "**Ranking** (nDCG@10 on qrels.tsv over the judged queries, documents ranked by their best passage; the "
        "tuning half is the odd-numbered queries, the held-out half the even ones; latency of a results page of "
        "10 with snippets)",
        "",
        *ranking_table(results),
        "",
        f"**Query latency, every engine** ({first['queries']} queries x {first['rounds']} timed passes, each query "
        "timed on every engine in turn; a results page of 10 passages; the ratio is ours on whoosh over FTS5)",
        "",
        *latency_table(results),
    ]
    http_rows = [(s, h) for s in results["sizes"] for h in s["http"]]
    if http_rows:
        lines += [
            "",
            "**HTTP** (gunicorn, wrk on loopback, queries rotating; the build's claims synced into the reviewer store "
            "before serving, `sourcecheck reviewer sync`, timed apart; a worker's first request timed apart)",
            "",
            "| Corpus | Passages | Backend | Workers | Page | Requests/s | p50 ms | p95 ms | p99 ms | Errors | "
            "Worker RSS (heap) MB | First request s | Claims sync s |",
            "|---|---:|---|---:|---|---:|---:|---:|---:|---:|---|---:|---:|",
        ]
        for s, h in http_rows:
            for page in ("api", "html"):
                r = h[page]
                errors = sum(r["errors"].values())
                name = "/api/v1/search" if page == "api" else "/?q= (HTML)"
                lines.append(
                    f"| {corpus_label(s)} | {s['build']['passages']:,} | {h.get('backend', 'whoosh')} | "
                    f"{h['workers']} | {name} | {r['requests_per_s']} | {r['p50_ms']} | {r['p95_ms']} | "
                    f"{r['p99_ms']} | {errors} | {_workers_memory(h)} | {h['first_request_s']} | "
                    f"{h.get('claims_sync', s.get('claims_sync', {})).get('seconds', '-')} |"
                )
        h = http_rows[0][1]
        lines.append(f"\nwrk: {h['threads']} thread(s), {h['connections']} connections, {h['seconds']} s a run.")
    lines += ["", f"![Latency, memory and index size against corpus size]({plot_path})"]
    return "\n".join(lines)


def latency_table(results: dict) -> list[str]:
    """Markdown lines: p50 / p95 / p99 of every engine of the run at each corpus, ours over FTS5, our memory."""
    keys = [(k, name) for k, name in ENGINES if any(k in s["query"] for s in results["sizes"])]
    lines = [
        "| Corpus | Passages | "
        + " | ".join(f"{name.split(' (')[0]} p50 / p95 / p99 ms" for _, name in keys)
        + " | Ours / FTS5 p50, p95 | Library RSS (heap) MB |",
        "|---|---:|" + "---|" * len(keys) + "---|---:|",
    ]
    for s in results["sizes"]:
        q = s["query"]
        cells = [f"{q[k]['p50_ms']} / {q[k]['p95_ms']} / {q[k]['p99_ms']}" if k in q else "-" for k, _ in keys]
        lines.append(
            f"| {corpus_label(s)} | {s['build']['passages']:,} | " + " | ".join(cells) + " | "
            f"{q['ratio']['p50']}, {q['ratio']['p95']} | {q['library_rss_mb']} ({q.get('library_anon_mb', '?')}) |"
        )
    return lines


def engine_builds_table(results: dict) -> list[str]:
    """Markdown lines: documents and passages indexed per second and size on disk, each engine at each corpus."""
    lines = [
        "| Corpus | Engine | What is timed | Seconds | Documents/s | Passages/s | Index MB |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for s in results["sizes"]:
        b, q = s["build"], s["query"]
        wall = (b.get("process") or {}).get("wall_s", b["seconds"])
        rows = [("Sourcecheck (whoosh)", "whole build command", wall, b, b["index_mb"] + b["store_mb"])]
        if "postgres_build" in s:
            pg = s["postgres_build"]
            rows.append(
                ("Sourcecheck on PostgreSQL", "whole build command", pg["process"]["wall_s"], pg, pg["database_mb"])
            )
        for key, name, size in (("fts5", "SQLite FTS5", "db_mb"), ("tantivy", "tantivy", "index_mb")):
            if key in q:
                e = q[key]["build"]
                rows.append((name, "indexing the passages", e["seconds"], e, e[size]))
        for name, what, seconds, e, mb in rows:
            documents = f"{e['documents'] / seconds:,.1f}" if "documents" in e else "-"
            lines.append(
                f"| {corpus_label(s)} | {name} | {what} | {seconds} | {documents} | {e['passages'] / seconds:,.1f} | "
                f"{round(mb, 2)} |"
            )
    return lines


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


PLOTTED = (
    ("library", "-", "whoosh (ours)"),
    ("postgres", "-", "PostgreSQL (ours)"),
    ("fts5", "--", "FTS5"),
    ("tantivy", "-.", "tantivy"),
)


def plot(results: dict, path: Path) -> None:
    """Three panels against passages: each engine's query latency (p50, p95; log scales, as the corpus grows by
    multiples), memory, size on disk."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results["sizes"], key=lambda s: s["build"]["passages"])
    x = [s["build"]["passages"] for s in sizes]
    fig, (lat, mem, disk) = plt.subplots(1, 3, figsize=(16, 5))
    for (engine, style, label), color in zip(PLOTTED, ("C0", "C1", "C2", "C3"), strict=True):
        points = [(s["build"]["passages"], s["query"][engine]) for s in sizes if engine in s["query"]]
        if not points:
            continue
        for p, marker, alpha in (("p50", "o", 1.0), ("p95", "s", 0.6)):
            ys = [e[f"{p}_ms"] for _, e in points]
            lat.plot([n for n, _ in points], ys, style, color=color, marker=marker, alpha=alpha, label=f"{label} {p}")
    lat.set(title="Search latency (a results page of 10)", xlabel="passages", ylabel="ms", xscale="log", yscale="log")
    mem.plot(x, [s["build"]["peak_rss_total_mb"] for s in sizes], marker="o", label="build, peak RSS sum")
    mem.plot(x, [s["query"]["library_rss_mb"] for s in sizes], marker="s", label="library process")
    for workers in sorted({h["workers"] for s in sizes for h in s["http"]}):
        points = [
            (s["build"]["passages"], max(h["worker_rss_mb"]))
            for s in sizes
            for h in s["http"]
            if h["workers"] == workers and h["worker_rss_mb"] and h.get("backend", "whoosh") == "whoosh"
        ]
        if points:
            mem.plot(*zip(*points, strict=True), marker="^", label=f"web worker, {workers} worker(s)")
    mem.set(title="Memory", xlabel="passages", ylabel="MB", xscale="log")
    disk.plot(x, [s["build"]["index_mb"] for s in sizes], marker="o", label="whoosh index")
    disk.plot(x, [s["build"]["store_mb"] for s in sizes], marker="s", label="document store")
    disk.plot(x, [s["query"]["fts5"]["build"]["db_mb"] for s in sizes], "--", marker="^", label="FTS5 database")
    if all("tantivy" in s["query"] for s in sizes):
        disk.plot(x, [s["query"]["tantivy"]["build"]["index_mb"] for s in sizes], "-.", marker="v", label="tantivy")
    if all("postgres_build" in s for s in sizes):
        pg = [s["postgres_build"]["database_mb"] for s in sizes]
        disk.plot(x, pg, marker="D", label="PostgreSQL database")
    disk.set(title="Size on disk", xlabel="passages", ylabel="MB", xscale="log", yscale="log")
    for ax in (lat, mem, disk):
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
    mem.set_ylim(bottom=0)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)

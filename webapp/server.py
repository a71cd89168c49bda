"""`sourcecheck serve`: the production server (waitress), building the index from the seed documents first when
there is none yet. User mistakes raise SourcecheckError subclasses, which the CLI prints as "Error: ..."."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import waitress

from indexer import KnowledgeBase, SourcecheckError, build_index, current_build, load_knowledge_base

from . import create_app

PACKAGE_SEEDS = Path(__file__).resolve().parents[1] / "seeds"  # the checkout's seeds/, when run from a clone


class ServeError(SourcecheckError):
    """The server cannot start (no documents to index, or the address cannot be used)."""


def seeds_folder(configured: str | None) -> Path:
    """The folder to index when there is no index: the SEEDS_DIR setting, ./seeds, or the checkout's seeds/."""
    candidates = [Path(configured)] if configured else [Path("seeds"), PACKAGE_SEEDS]
    for folder in candidates:
        if folder.is_dir():
            return folder
    raise ServeError(
        f"there is no index yet and no seed documents in {candidates[0]}; "
        "run 'sourcecheck build PATHS' first, or set SOURCECHECK_SEEDS_DIR"
    )


def ensure_index(index_dir: Path, seeds: str | None, kb: KnowledgeBase | None = None) -> None:
    """Build the index from the seed documents unless `index_dir` already serves one."""
    if current_build(index_dir) is not None:
        return
    folder = seeds_folder(seeds)
    print(f"No index in {index_dir}: building one from {folder} ...", file=sys.stderr)
    summary = build_index([folder], index_dir, kb=kb, wait=60.0)  # another worker may be building it right now
    print(f"Indexed {summary.documents} documents, {summary.passages} passages.", file=sys.stderr)


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, or ServeError saying why not (bound here so that a failure leaks nothing)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as e:
        raise ServeError(f"cannot listen on {host}:{port}: unknown host ({e.strerror})") from e
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as e:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {e.strerror or e}") from e
    return sock


def serve(host: str = "127.0.0.1", port: int = 5000, index_dir: str | None = None, workers: int = 2) -> None:
    """Serve the web app on host:port with `workers` threads until interrupted."""
    app = create_app({"INDEX_DIR": index_dir} if index_dir else None)
    root = Path(app.config["INDEX_DIR"])
    knowledge = app.config["KNOWLEDGE_DIR"]
    ensure_index(root, app.config["SEEDS_DIR"], load_knowledge_base(knowledge) if knowledge else None)
    sock = listening_socket(host, port)
    server = waitress.create_server(app, sockets=[sock], threads=workers, ident="Sourcecheck")
    print(f"Sourcecheck is serving {root} at http://{host}:{port} (press Ctrl+C to stop)", file=sys.stderr)
    print(f"Instance folder (config.toml, secret key, reviewer store): {app.instance_path}", file=sys.stderr)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()

"""Executes examples/notebooks/register.ipynb with nbclient (so the notebook cannot rot).

Usage: python run_notebook.py [--write]   (--write saves the executed notebook with its outputs)
"""

import os
import sys
import time

import nbformat
from nbclient import NotebookClient

HERE = os.path.dirname(os.path.abspath(__file__))
NOTEBOOK = os.path.join(HERE, "..", "..", "examples", "notebooks", "register.ipynb")
KERNEL = "yinhuan-test"


def main() -> int:
    path = os.path.abspath(NOTEBOOK)
    # A kernel of this very interpreter (the venv with yinhuan), whatever other kernels exist.
    from ipykernel.kernelspec import install

    install(kernel_name=KERNEL, prefix=sys.prefix)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name=KERNEL,
        resources={"metadata": {"path": os.path.dirname(path)}},
    )
    start = time.perf_counter()
    client.execute()
    took = time.perf_counter() - start
    print(f"executed {os.path.relpath(path)} in {took:.1f} s ({len(nb.cells)} cells)")
    if "--write" in sys.argv:
        nbformat.write(nb, path)
        print(f"wrote the outputs into {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

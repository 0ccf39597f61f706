"""Shared fixtures: the embedded library and the repository's vectors and examples."""

import glob
import json
import os

import pytest

import yinhuan

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VECTOR_FILES = sorted(glob.glob(os.path.join(REPO, "tests", "vectors", "*.json")))
EXAMPLE_FILES = sorted(glob.glob(os.path.join(REPO, "examples", "*.json")))


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="session")
def lib():
    return yinhuan.Library.embedded()


@pytest.fixture(scope="session")
def examples():
    return [load(p) for p in EXAMPLE_FILES]


@pytest.fixture(scope="session")
def gongmao_examples():
    """The three 工贸 examples (cold store, steel works, woodworking plant): templates of the
    synthetic batches."""
    names = ("cold-store.json", "steel-works.json", "woodworking-plant.json")
    return [load(os.path.join(REPO, "examples", n)) for n in names]

"""pytest options for mesh/localmesh: --update-golden rewrites the golden files from what the generator writes now.
The tests import the package as `localmesh`, as scripts/mesh.sh runs it (PYTHONPATH=mesh)."""


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite mesh/localmesh/tests/golden/ from the generator's output")

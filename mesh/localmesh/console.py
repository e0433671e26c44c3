"""Output for scripts/mesh.sh's log, and the one error every command ends with."""
import sys


class MeshError(Exception):
    """A problem the user has to act on; the CLI prints it as "ERROR: ..." and exits 1."""


def log(message):
    print("    " + message, flush=True)


def error(message):
    print("ERROR: " + str(message), file=sys.stderr, flush=True)

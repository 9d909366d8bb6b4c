"""The `restore` command: `python -m restore`, and the console script's entry point."""

import sys


def run() -> int:
    """Run the `restore` command; gives its exit status."""
    try:
        from restore.cli import main
    except KeyboardInterrupt:  # Ctrl-C while the libraries load, before main() can catch it
        print("restore: interrupted", file=sys.stderr)
        return 130
    return main()


if __name__ == "__main__":
    sys.exit(run())

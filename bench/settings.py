"""Settings for benchmarks: the real ones, plus a trivial view to compare against."""

from backrelief.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

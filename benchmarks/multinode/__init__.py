"""Pieces of the `multinode` scenario (benchmarks/scenarios/multinode.py): the deploy/ files read as
systemd would read them, the network namespaces, the Locust load, the data and the checks."""

"""The engines people would pick instead of frontdoor, each deciding the default document
(rules/exampleshire.yaml) from the same precomputed inputs: see bench/bench_peers.py and
docs/benchmarks.md. inputs.py makes those inputs and compares decisions; python_loop.py,
pandas_select.py and zen_peer.py (with exampleshire.zen.json, made by make_zen_graph.py) decide."""

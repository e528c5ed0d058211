"""Root conftest: the contract suite's pytest plugin (target selection) is loaded for every run."""
pytest_plugins = ["contracts.plugin"]

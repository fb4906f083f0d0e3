"""Console page modules: every module here is imported by ``api.console.init_app``."""

"""Training sets from placement history, the scikit-learn ranker, evaluation, the registry."""

"""Demo members of the cluster network."""

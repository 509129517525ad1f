"""Running an edition: the pipeline, chapter execution in worker processes, cache and hashing."""

"""Language-model inference: one backend interface (api.py), the local paged-KV engine, llama.cpp and
remote backends, test-time scaling. The slm-inference service, the judges and the design loop all call a
:class:`~autochem.inference.api.GenerationBackend`."""

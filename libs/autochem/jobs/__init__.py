"""Jobs the CLI runs end to end (the main job of `make run`)."""

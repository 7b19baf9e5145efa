"""The review chain (stages, sign-offs), what may be published, and the operation register."""

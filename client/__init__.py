"""A thin, typed, requests-based client for the AEP APIs mockaep emulates."""

-- wrk script: authenticated API calls. The session cookie comes from the environment
-- (bench/server_load.sh signs in first); GET requests need no CSRF token.
wrk.method = "GET"
wrk.headers["Cookie"] = "__Host-safelane_session=" .. os.getenv("SAFELANE_SESSION")

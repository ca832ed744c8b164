"""The jobseekers' chat page: static files, the socket.io client from npm, a small server."""

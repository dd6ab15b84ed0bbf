"""Report each response's query count and SQL time in headers (benchmark only, see bench/)."""

import time

from django.db import connection


class QueryStatsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        stats = {"count": 0, "seconds": 0.0}

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                stats["count"] += 1
                stats["seconds"] += time.perf_counter() - started

        with connection.execute_wrapper(timed):
            response = self.get_response(request)
        response["X-Query-Count"] = str(stats["count"])
        response["X-SQL-Time-Ms"] = f"{stats['seconds'] * 1000:.2f}"
        return response

# nlipcd tests: written next.

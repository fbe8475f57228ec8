"""Running the web app in production: waitress with geoaid's connection, deadline and body limits.

``limits`` turns the command line's options into waitress settings that fit
the process's open-file limit; ``channel`` subclasses waitress's channel for
what waitress has no setting for: a deadline for each request to arrive, and
the app's own page for a body refused as too large; ``workers`` runs that
server in several forked processes on one listening socket (``--workers N``)
and replaces a worker that dies. Only ``geoaid serve --production`` loads
``channel`` and ``workers``.
"""

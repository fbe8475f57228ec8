"""Running the web app in production: waitress with geoaid's connection, deadline and body limits."""

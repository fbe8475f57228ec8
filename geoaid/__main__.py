from geoaid.cli import main

raise SystemExit(main())

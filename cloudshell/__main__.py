from cloudshell.cli import main

raise SystemExit(main())

from yeastar_ctl.cli import main
import sys

sys.exit(main())

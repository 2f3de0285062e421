"""drillcli: terminal drills for deep-learning interviews."""

__version__ = "0.1.0"

"""IoT Hygiene's data files; installed from the wheel as the package `iot_hygiene_resources`."""

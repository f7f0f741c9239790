{
  "targets": [
    {
      "target_name": "vllsi_os",
      "sources": ["os.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-Wall", "-Wextra", "-O2"],
      "conditions": [
        ["OS=='linux'", { "defines": ["_GNU_SOURCE", "_FILE_OFFSET_BITS=64"] }]
      ]
    }
  ]
}

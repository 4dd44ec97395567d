{
  "variables": {
    # 1 builds the AddressSanitizer + UBSan variant (scripts/test-asan.mjs).
    "sanitize%": 0
  },
  "targets": [
    {
      "target_name": "hotpath",
      "sources": [
        "native/addon.cc",
        "native/simd.cc",
        "native/memread.cc",
        "native/topk.cc",
        "native/topk_napi.cc",
        "native/toplist.cc",
        "native/toplist_napi.cc",
        "native/fingerprint.cc",
        "native/fingerprint_napi.cc",
        "native/thread_cpu_napi.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": [
        # Node 20 implements N-API 9; 8 is all we use (instance data, typed arrays).
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        # A worker ended (terminate(), process exit) while in a native call
        # comes back to an environment that can no longer throw: napi_throw
        # fails, and without this node-addon-api throws again from inside its
        # own catch, out of the C callback: std::terminate, the whole process
        # gone ("terminate called after throwing an instance of 'Napi::Error'",
        # seen in the ASan suite). With it, the error is dropped, as the
        # thread is ending anyway.
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      # -ffp-contract=off: no silent FMA contraction, so the fingerprint's
      # double math is bit-identical to the TypeScript twin's. The topk SIMD
      # path uses explicit FMA intrinsics and is unaffected. No -ffast-math
      # anywhere, and never at link time (crtfastmath.o sets FTZ/DAZ).
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O3", "-Wall", "-Wextra", "-Werror",
                    "-ffp-contract=off", "-fvisibility=hidden"],
      "configurations": {
        "Debug": {
          "defines": ["NODE_ADDON_API_ENABLE_TYPE_CHECK_ON_AS"]
        }
      },
      "conditions": [
        ["sanitize==1", {
          "defines": ["NODE_ADDON_API_ENABLE_TYPE_CHECK_ON_AS", "HOTPATH_SANITIZE=1"],
          "cflags_cc": ["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined",
                        "-fno-omit-frame-pointer", "-g", "-O1"],
          "ldflags": ["-fsanitize=address,undefined"]
        }]
      ]
    }
  ]
}

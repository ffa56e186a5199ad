# The two commands a newcomer needs:
#   make demo   installs what is missing, builds, and runs the main job
#   make test   installs what is missing, builds, and runs the whole test suite
BUILD_DIR ?= build
LLVM_PREFIX := /usr/lib/llvm-22
PYTHON := /usr/bin/python3
JOBS ?= $(shell nproc)

# Debian packages the build and the tests need.
APT_PACKAGES := cmake ninja-build llvm-22-dev llvm-22-tools libmlir-22-dev \
  mlir-22-tools clang-22 lld-22 python3-numpy python3-pytest pybind11-dev \
  python3-venv python3-dev

.PHONY: all deps configure build test demo format clean

all: build

deps:
	@missing=$$(for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

$(BUILD_DIR)/build.ninja: | deps
	cmake -G Ninja -S . -B $(BUILD_DIR) \
	  -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_C_COMPILER=$(LLVM_PREFIX)/bin/clang \
	  -DCMAKE_CXX_COMPILER=$(LLVM_PREFIX)/bin/clang++ \
	  -DLLVM_USE_LINKER=lld \
	  -DMLIR_DIR=$(LLVM_PREFIX)/lib/cmake/mlir \
	  -DLLVM_EXTERNAL_LIT=$(LLVM_PREFIX)/bin/lit \
	  -DW4A16_TEST_PYTHON=$(PYTHON)

configure: $(BUILD_DIR)/build.ninja

build: deps configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	@$(PYTHON) utils/run-tests.py $(BUILD_DIR)

demo: build
	@$(PYTHON) examples/demo.py $(BUILD_DIR)

# Formats C++ sources with the pinned formatter (Debian clang-format-22).
format:
	@command -v clang-format-22 >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang-format-22)
	git ls-files '*.h' '*.cpp' '*.hip' | xargs clang-format-22 -i

clean:
	rm -rf $(BUILD_DIR)

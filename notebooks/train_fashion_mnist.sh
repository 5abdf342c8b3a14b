#!/usr/bin/env bash
# Recipe for litescore's Fashion-MNIST models (the bundled demo models come from it).
#
# Data: Debian's dataset-fashion-mnist (Expat licence; `apt-get install dataset-fashion-mnist`), 60,000 training
# and 10,000 test images, 28x28 grayscale. Models are trained in Java with `litescore train` (DJL, CPU, one
# libtorch thread each so two can run side by side on a 2-core machine), at 32x32 input (Resize(32) +
# CenterCrop(32) of the upscaled image), normalised with Fashion-MNIST's mean/std (0.2860 / 0.3530).
# Then every model is scored on the 10k test split with `litescore score`.
#
# Run from the project root after `mvn -q -B package -DskipTests`:
#   bash notebooks/train_fashion_mnist.sh [work-dir]
set -euo pipefail
WORK="${1:-/tmp/fmnist}"
CLASSES=tshirt_top,trouser,pullover,dress,coat,sandal,shirt,sneaker,bag,ankle_boot
D=/usr/share/datasets/fashion-mnist
[[ -d "$WORK/train" ]] || jobs/litescore import-idx --images $D/train-images-idx3-ubyte.gz \
  --labels $D/train-labels-idx1-ubyte.gz --classes $CLASSES --output "$WORK/train" --prefix train
[[ -d "$WORK/test" ]] || jobs/litescore import-idx --images $D/t10k-images-idx3-ubyte.gz \
  --labels $D/t10k-labels-idx1-ubyte.gz --classes $CLASSES --output "$WORK/test" --prefix t10k

COMMON=(--data "$WORK/train" --input-size 32 --mean 0.2860 --std 0.3530 --threads 1 --val-split 0.1 --batch-size 64)
jobs/litescore train --arch shufflenet_v2_x0_5 --stem small --epochs 3 --optimizer adam --lr 0.003 \
  "${COMMON[@]}" --output "$WORK/models/shufflenet_v2_x0_5" &
jobs/litescore train --arch squeezenet1_1 --stem standard --epochs 5 --optimizer adam --lr 0.001 \
  "${COMMON[@]}" --output "$WORK/models/squeezenet1_1"
wait
jobs/litescore train --arch mobilenet_v2 --stem standard --epochs 1 --optimizer sgd --lr 0.05 \
  "${COMMON[@]}" --output "$WORK/models/mobilenet_v2"

cat > "$WORK/score-test.conf" <<CONF
run { id = fmnist-test, output = "$WORK/runs" }
dataset { path = "$WORK/test", extensions = [png] }
model-defaults.batch-size = 64
models = [
  { name = shufflenet_v2_x0_5, artifact = "$WORK/models/shufflenet_v2_x0_5" }
  { name = squeezenet1_1, artifact = "$WORK/models/squeezenet1_1" }
  { name = mobilenet_v2, artifact = "$WORK/models/mobilenet_v2" }
]
CONF
jobs/litescore score --conf "$WORK/score-test.conf"

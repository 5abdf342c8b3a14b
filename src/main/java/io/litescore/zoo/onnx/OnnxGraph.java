package io.litescore.zoo.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX graph being built: nodes in topological order, float32/int64 initializers, one float32 input and one
 * float32 output, serialised as a {@code ModelProto}. Field numbers are onnx.proto's (proto2: repeated scalars are
 * written unpacked, tensor data as little-endian {@code raw_data}).
 */
final class OnnxGraph {
  /** onnx.proto {@code TensorProto.DataType}. */
  static final int FLOAT = 1;
  static final int INT64 = 7;
  /** onnx.proto {@code AttributeProto.AttributeType}. */
  private static final int ATTR_FLOAT = 1;
  private static final int ATTR_INT = 2;
  private static final int ATTR_INTS = 7;

  /** One node; its output names may be renamed until the graph is written. */
  static final class Node {
    final String op;
    final String name;
    final List<String> inputs;
    final String[] outputs;
    final Map<String, Object> attributes = new LinkedHashMap<>();

    private Node(String op, String name, List<String> inputs, String[] outputs) {
      this.op = op;
      this.name = name;
      this.inputs = new ArrayList<>(inputs);
      this.outputs = outputs;
    }

    /** An int ({@link Integer}/{@link Long}), a float or an int list ({@code long[]}) attribute. */
    Node attr(String key, Object value) {
      attributes.put(key, value);
      return this;
    }
  }

  private record Initializer(String name, int dataType, long[] dims, byte[] raw) {}

  /** Graph input/output: a float32 tensor, each dimension a number or, when a String, a symbolic name. */
  private record Value(String name, Object[] dims) {}

  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, Initializer> initializers = new LinkedHashMap<>();
  private final Set<String> names = new HashSet<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private Value input;
  private Value output;

  /** {@code base} if unused, else {@code base_2}, {@code base_3}, ...; every tensor and node name goes through it. */
  String fresh(String base) {
    String name = base;
    for (int i = 2; !names.add(name); i++) {
      name = base + "_" + i;
    }
    return name;
  }

  Node node(String op, String name, List<String> inputs, int outputs) {
    String nodeName = fresh(name);
    String[] outs = new String[outputs];
    for (int i = 0; i < outputs; i++) {
      outs[i] = outputs == 1 ? nodeName + ":out" : nodeName + ":out" + i;
      names.add(outs[i]);
    }
    Node n = new Node(op, nodeName, inputs, outs);
    nodes.add(n);
    return n;
  }

  /** A float32 initializer; its name must be new. */
  String floats(String name, long[] dims, float[] data) {
    ByteBuffer b = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    return initializer(name, FLOAT, dims, b.array());
  }

  /** A 1-D int64 initializer (shapes, split sizes), shared by name: the same name must mean the same values. */
  String int64s(String name, long... data) {
    if (initializers.containsKey(name)) {
      return name;
    }
    ByteBuffer b = ByteBuffer.allocate(data.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(data);
    return initializer(name, INT64, new long[] {data.length}, b.array());
  }

  /** A float32 scalar (rank 0) initializer, shared by name. */
  String scalar(String name, float value) {
    if (initializers.containsKey(name)) {
      return name;
    }
    return floats(name, new long[0], new float[] {value});
  }

  private String initializer(String name, int dataType, long[] dims, byte[] raw) {
    if (!names.add(name)) {
      throw new IllegalStateException("Cannot add initializer '" + name + "': the name is taken");
    }
    initializers.put(name, new Initializer(name, dataType, dims.clone(), raw));
    return name;
  }

  void input(String name, Object... dims) {
    names.add(name);
    input = new Value(name, dims);
  }

  /** Declares {@code tensor} the graph's output under {@code name}, renaming the node output that makes it. */
  void output(String tensor, String name, Object... dims) {
    for (Node n : nodes) {
      for (int i = 0; i < n.outputs.length; i++) {
        if (n.outputs[i].equals(tensor)) {
          n.outputs[i] = name;
          for (Node later : nodes) {
            later.inputs.replaceAll(in -> in.equals(tensor) ? name : in);
          }
        }
      }
    }
    output = new Value(name, dims);
  }

  /** A {@code ModelProto.metadata_props} entry (ORT shows it as the model's custom metadata). */
  void metadata(String key, String value) {
    metadata.put(key, value);
  }

  int nodeCount() {
    return nodes.size();
  }

  /** The {@code ModelProto} bytes. */
  byte[] toModel(String graphName, long irVersion, long opset, String producerVersion) {
    ProtoWriter g = new ProtoWriter();
    for (Node n : nodes) {
      g.message(1, node(n)); // GraphProto.node
    }
    g.string(2, graphName); // GraphProto.name
    for (Initializer t : initializers.values()) {
      ProtoWriter tp = new ProtoWriter();
      for (long d : t.dims()) {
        tp.varint(1, d); // TensorProto.dims
      }
      tp.varint(2, t.dataType()); // TensorProto.data_type
      tp.string(8, t.name()); // TensorProto.name
      tp.bytes(9, t.raw()); // TensorProto.raw_data
      g.message(5, tp); // GraphProto.initializer
    }
    g.message(11, valueInfo(input)); // GraphProto.input
    g.message(12, valueInfo(output)); // GraphProto.output
    ProtoWriter m = new ProtoWriter();
    m.varint(1, irVersion); // ModelProto.ir_version
    m.string(2, "litescore"); // ModelProto.producer_name
    m.string(3, producerVersion); // ModelProto.producer_version
    m.message(7, g); // ModelProto.graph
    m.message(8, new ProtoWriter().string(1, "").varint(2, opset)); // ModelProto.opset_import {domain, version}
    metadata.forEach((k, v) -> m.message(14, new ProtoWriter().string(1, k).string(2, v))); // .metadata_props
    return m.toByteArray();
  }

  private static ProtoWriter node(Node n) {
    ProtoWriter w = new ProtoWriter();
    n.inputs.forEach(in -> w.string(1, in)); // NodeProto.input
    for (String out : n.outputs) {
      w.string(2, out); // NodeProto.output
    }
    w.string(3, n.name); // NodeProto.name
    w.string(4, n.op); // NodeProto.op_type
    n.attributes.forEach((key, value) -> w.message(5, attribute(key, value))); // NodeProto.attribute
    return w;
  }

  private static ProtoWriter attribute(String key, Object value) {
    ProtoWriter a = new ProtoWriter().string(1, key); // AttributeProto.name
    if (value instanceof Float f) {
      a.float32(2, f).varint(20, ATTR_FLOAT); // AttributeProto.f, .type
    } else if (value instanceof Integer || value instanceof Long) {
      a.varint(3, ((Number) value).longValue()).varint(20, ATTR_INT); // AttributeProto.i, .type
    } else if (value instanceof long[] ints) {
      for (long v : ints) {
        a.varint(8, v); // AttributeProto.ints
      }
      a.varint(20, ATTR_INTS);
    } else {
      throw new IllegalArgumentException("Cannot write attribute " + key + " of type " + value.getClass());
    }
    return a;
  }

  private static ProtoWriter valueInfo(Value v) {
    ProtoWriter shape = new ProtoWriter();
    for (Object d : v.dims()) {
      ProtoWriter dim = new ProtoWriter();
      if (d instanceof String s) {
        dim.string(2, s); // Dimension.dim_param
      } else {
        dim.varint(1, ((Number) d).longValue()); // Dimension.dim_value
      }
      shape.message(1, dim); // TensorShapeProto.dim
    }
    ProtoWriter tensor = new ProtoWriter().varint(1, FLOAT).message(2, shape); // TypeProto.Tensor elem_type, shape
    ProtoWriter type = new ProtoWriter().message(1, tensor); // TypeProto.tensor_type
    return new ProtoWriter().string(1, v.name()).message(2, type); // ValueInfoProto.name, .type
  }
}

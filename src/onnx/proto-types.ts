/**
 * The shapes protobufjs decodes the ONNX messages into (field names as in onnx.proto).
 * int64 fields arrive as Long objects or numbers; see int64.ts.
 */
import type Long from 'long';

export type Int64 = number | Long;

export interface StringStringEntryProto { key?: string; value?: string }

export interface TensorProto {
  dims?: Int64[];
  data_type?: number;
  segment?: { begin?: Int64; end?: Int64 };
  float_data?: number[];
  int32_data?: number[];
  string_data?: Uint8Array[];
  int64_data?: Int64[];
  name?: string;
  doc_string?: string;
  raw_data?: Uint8Array;
  external_data?: StringStringEntryProto[];
  data_location?: number;
  double_data?: number[];
  uint64_data?: Int64[];
}

export interface SparseTensorProto { values?: TensorProto; indices?: TensorProto; dims?: Int64[] }

export interface DimensionProto { dim_value?: Int64; dim_param?: string; value?: 'dim_value' | 'dim_param'; denotation?: string }
export interface TensorShapeProto { dim?: DimensionProto[] }

export interface TypeProto {
  tensor_type?: { elem_type?: number; shape?: TensorShapeProto };
  sequence_type?: { elem_type?: TypeProto };
  map_type?: { key_type?: number; value_type?: TypeProto };
  optional_type?: { elem_type?: TypeProto };
  sparse_tensor_type?: { elem_type?: number; shape?: TensorShapeProto };
  opaque_type?: { domain?: string; name?: string };
  value?: string;
  denotation?: string;
}

export interface ValueInfoProto { name?: string; type?: TypeProto; doc_string?: string }

export interface AttributeProto {
  name?: string;
  ref_attr_name?: string;
  doc_string?: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  sparse_tensor?: SparseTensorProto;
  tp?: TypeProto;
  floats?: number[];
  ints?: Int64[];
  strings?: Uint8Array[];
  tensors?: TensorProto[];
  graphs?: GraphProto[];
  sparse_tensors?: SparseTensorProto[];
  type_protos?: TypeProto[];
}

export interface NodeProto {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  overload?: string;
  attribute?: AttributeProto[];
  doc_string?: string;
}

export interface GraphProto {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  sparse_initializer?: SparseTensorProto[];
  doc_string?: string;
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  value_info?: ValueInfoProto[];
}

export interface OperatorSetIdProto { domain?: string; version?: Int64 }

export interface FunctionProto {
  name?: string;
  input?: string[];
  output?: string[];
  attribute?: string[];
  attribute_proto?: AttributeProto[];
  node?: NodeProto[];
  doc_string?: string;
  opset_import?: OperatorSetIdProto[];
  domain?: string;
  overload?: string;
  value_info?: ValueInfoProto[];
}

export interface ModelProto {
  ir_version?: Int64;
  opset_import?: OperatorSetIdProto[];
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: Int64;
  doc_string?: string;
  graph?: GraphProto;
  metadata_props?: StringStringEntryProto[];
  functions?: FunctionProto[];
}

export interface SequenceProto {
  name?: string;
  elem_type?: number;
  tensor_values?: TensorProto[];
  sparse_tensor_values?: SparseTensorProto[];
  sequence_values?: SequenceProto[];
  map_values?: MapProto[];
  optional_values?: OptionalProto[];
}

export interface MapProto {
  name?: string;
  key_type?: number;
  keys?: Int64[];
  string_keys?: Uint8Array[];
  values?: SequenceProto;
}

export interface OptionalProto {
  name?: string;
  elem_type?: number;
  tensor_value?: TensorProto;
  sparse_tensor_value?: SparseTensorProto;
  sequence_value?: SequenceProto;
  map_value?: MapProto;
  optional_value?: OptionalProto;
}

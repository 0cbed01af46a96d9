//! Dataset formats: Ground Truth manifests, Pascal VOC, YOLO, Open Images (being written).
